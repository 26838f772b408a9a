import { api } from '../api.js';
import { color, esc, expandGrid, lineOf, locate, pointerOffsets, scheduleLabel } from '../format.js';
import { join, lineChart } from '../charts.js';
import { lrCurves } from '../lr-curves.js';

const EXAMPLE = {
  name: 'spirals-schedules',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [16] }, epochs: 10, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 } },
  schedules: [
    { type: 'StepLR', step_size: { values: [3, 5] }, gamma: 0.5 },
    { type: 'CosineAnnealingLR', T_max: 10 },
    { type: 'OneCycleLR', max_lr: 0.3, total_steps: 230, interval: 'step' },
  ],
  seeds: 2,
  objective: { metric: 'val_loss', mode: 'min' },
};

/**
 * Submit a sweep: a JSON editor whose every problem is shown next to it (a syntax error at its
 * line, the API's 400 issues by JSON pointer and line), and a live preview of the schedules.
 */
export async function newSweepPage(root) {
  root.innerHTML = `<h1>New sweep</h1>
    <section class="grid">
      <form class="card" id="form" novalidate>
        <label for="spec"><h2>Sweep (JSON)</h2></label>
        <textarea id="spec" spellcheck="false" rows="24" aria-describedby="issues"></textarea>
        <ul id="issues" class="issues" aria-live="assertive"></ul>
        <button type="submit" id="submit">Submit sweep</button>
      </form>
      <div class="card"><h2>Schedules preview <small id="preview-note" class="muted"></small></h2><div class="chart" id="preview"></div></div>
    </section>`;
  const $ = (id) => root.querySelector(`#${id}`);
  const spec = $('spec');
  spec.value = sessionStorage.getItem('lrsweep.draft') ?? JSON.stringify(EXAMPLE, null, 2);

  const showIssues = (issues) => {
    spec.setAttribute('aria-invalid', String(issues.length > 0));
    $('issues').innerHTML = issues
      .map((i, k) => `<li data-k="${k}" data-path="${esc(i.path)}"><button type="button" class="linkish">${i.line ? `line ${i.line}` : 'body'}</button> <code>${esc(i.path || '/')}</code> ${esc(i.message)}</li>`)
      .join('');
    for (const li of $('issues').querySelectorAll('li')) {
      const issue = issues[Number(li.dataset.k)];
      li.querySelector('button').addEventListener('click', () => {
        spec.focus();
        if (issue.range) spec.setSelectionRange(issue.range.start, issue.range.end);
      });
    }
  };
  /** Places API issues (JSON pointers) on the text the user wrote. */
  const placed = (text, issues) => {
    const offsets = pointerOffsets(text);
    return issues.map((i) => {
      const range = locate(offsets, i.path ?? '');
      return { ...i, range, line: range ? lineOf(text, range.start) : undefined };
    });
  };
  const parse = () => {
    try {
      return { body: JSON.parse(spec.value) };
    } catch (err) {
      const at = /position (\d+)/.exec(err.message)?.[1];
      return { error: { path: '', message: `not valid JSON: ${err.message}`, line: at ? lineOf(spec.value, Number(at)) : undefined } };
    }
  };

  let chart;
  let previewTimer;
  const preview = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      sessionStorage.setItem('lrsweep.draft', spec.value);
      const { body, error } = parse();
      showIssues(error ? [error] : []);
      if (!body || !Array.isArray(body.schedules)) return;
      const schedules = body.schedules.flatMap((s) => expandGrid(s)).slice(0, 24);
      const curves = await lrCurves(schedules, body.task);
      const refused = curves.map((c, i) => (c.error ? `${scheduleLabel(schedules[i])}: ${c.error}` : null)).filter(Boolean);
      $('preview-note').textContent = refused.length ? `${refused.length} not shown: ${refused.join('; ')}` : `${schedules.length} schedule${schedules.length === 1 ? '' : 's'}`;
      const shown = schedules.map((s, i) => ({ s, i, curve: curves[i] })).filter(({ curve }) => !curve.error);
      chart?.destroy();
      chart = lineChart($('preview'), {
        title: 'learning rate',
        xLabel: 'epoch',
        yLabel: 'learning rate',
        series: shown.map(({ s, i }) => ({ label: scheduleLabel(s), color: color(i), stepped: true })),
        data: join(shown.map(({ curve }) => curve)),
      });
    }, 400);
  };
  spec.addEventListener('input', preview);
  preview();

  $('form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { body, error } = parse();
    if (error) return showIssues([error]);
    $('submit').disabled = true;
    try {
      const created = await api('/v1/sweeps', { method: 'POST', body: spec.value });
      sessionStorage.removeItem('lrsweep.draft');
      location.hash = `#/sweeps/${created.id}`;
    } catch (err) {
      showIssues(err.issues?.length ? placed(spec.value, err.issues) : [{ path: '', message: err.message }]);
    } finally {
      $('submit').disabled = false;
    }
    return body;
  });

  return () => {
    clearTimeout(previewTimer);
    chart?.destroy();
  };
}
