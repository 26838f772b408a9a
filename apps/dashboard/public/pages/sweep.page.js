import { api, eventsUrl, inBatches } from '../api.js';
import { badge, color, epochMetrics, esc, intervalDomain, intervalLabel, intervalSvg, metricChoices, num, packLabel, progressBar, rungsLabel, scheduleLabel, seedsLabel, tiedLabel, topRung } from '../format.js';
import { join, lineChart } from '../charts.js';
import { lrCurves } from '../lr-curves.js';

/** Trials whose curves are drawn; more would make an unreadable chart (the table lists all). */
const MAX_CHARTED = 40;
const FINISHED = ['completed', 'failed', 'diverged', 'cancelled', 'stopped'];

/**
 * One sweep: status, leaderboard (mean and 95% interval over seeds, an interval plot, the group
 * tied with the best), every schedule's lr by epoch,
 * any reported metric by epoch per trial (the objective first; live from the event stream), and
 * the trials' states.
 */
export async function sweepPage(root, sweepId) {
  root.innerHTML = `<p><a href="#/">← all sweeps</a></p>
    <header class="sweep-head" id="head">Loading…</header>
    <section class="grid">
      <div class="card wide"><h2>Leaderboard</h2><div class="scroll" id="board"></div></div>
      <div class="card wide"><h2>Learning rate by epoch</h2><div class="chart" id="lr-chart"></div></div>
      <div class="card wide"><h2><select id="metric" aria-label="metric to plot"></select> by epoch <small id="live" class="live">connecting…</small></h2><div class="chart" id="loss-chart"></div></div>
      <div class="card wide"><h2>Trials</h2><div class="scroll" id="trials"></div></div>
    </section>`;
  const $ = (id) => root.querySelector(`#${id}`);
  let sweep = await api(`/v1/sweeps/${sweepId}`);
  const trials = new Map((await api(`/v1/sweeps/${sweepId}/trials?pageSize=500`)).items.map((t) => [t.id, t]));
  const scheduleKeys = [...new Set([...trials.values()].map((t) => JSON.stringify(t.schedule)))];
  const scheduleIndex = (t) => scheduleKeys.indexOf(JSON.stringify(t.schedule));

  const renderHead = () => {
    const c = sweep.trials;
    $('head').innerHTML = `<h1>${esc(sweep.name)} ${badge(sweep.status)}</h1>
      <div class="head-row">${progressBar(sweep.progress)}<span>${c.completed + c.failed + c.diverged + c.cancelled + (c.stopped ?? 0)} of ${c.total} trials finished ·
      ${c.running} running · ${c.queued} queued · ${c.failed} failed · ${c.diverged} diverged${c.stopped ? ` · ${c.stopped} stopped` : ''}</span>
      ${['queued', 'running'].includes(sweep.status) ? '<button type="button" id="cancel">Cancel sweep</button>' : ''}
      ${c.failed + c.cancelled > 0 ? `<button type="button" id="rerun" title="resume each from its last checkpoint">Rerun ${c.failed + c.cancelled} failed or cancelled</button>` : ''}</div>
      <p class="muted">objective: ${esc(sweep.objective.metric)} (${esc(sweep.objective.mode)}) · ${esc(sweep.spec?.task?.dataset ?? sweep.spec?.task?.trainer ?? '')}, ${sweep.spec?.task?.epochs ?? '?'} epochs</p>
      ${sweep.halving ? `<p class="muted" id="rungs">successive halving: ${esc(rungsLabel(sweep.halving))}</p>` : ''}`;
    $('cancel')?.addEventListener('click', async () => {
      sweep = await api(`/v1/sweeps/${sweepId}/cancel`, { method: 'POST' });
      renderHead();
    });
    // The API puts them back to queued and the sweep back to running; the open event stream
    // carries on (sweep.reopened), so a refresh is all the page needs.
    $('rerun')?.addEventListener('click', async (e) => {
      e.target.disabled = true;
      await api(`/v1/sweeps/${sweepId}/rerun`, { method: 'POST', body: {} });
      refresh();
    });
  };
  const renderBoard = (board) => {
    const domain = intervalDomain(board.entries);
    const bestMean = board.entries[0]?.mean;
    // Successive halving: entries carry the rung they reached, and rank by it first.
    const top = topRung(board.entries);
    const rungCell = (e) => (top === undefined ? '' : `<td class="num">${e.rung}</td>`);
    const diff = (e) => (e.rank === 1 ? '' : `${e.vsBest.diff > 0 ? '+' : ''}${num(e.vsBest.diff, 2)} <small>${intervalLabel(e.vsBest.ci, 2)}${e.vsBest.method === 'unpaired' ? ' unpaired' : ''}</small>`);
    $('board').innerHTML = board.entries.length
      ? `<table class="board"><thead><tr><th>#</th>${top === undefined ? '' : '<th class="num">rung</th>'}<th>schedule</th><th class="num">${esc(board.metric)}: mean ± std [95% CI]</th><th>interval</th><th class="num">vs best [95% CI]</th><th>tied</th><th class="num">seeds</th></tr></thead><tbody>${board.entries
          .map(
            (e) => `<tr class="${e.rank === 1 || e.tiedWithBest ? 'tied' : ''}"><td>${e.rank}</td>${rungCell(e)}<td><code>${esc(scheduleLabel(e.schedule))}</code></td>
              <td class="num">${num(e.mean)} ± ${num(e.std, 2)} <small>${intervalLabel(e.ci)}</small></td><td>${intervalSvg(e, domain, bestMean)}</td>
              <td class="num">${diff(e)}</td><td>${tiedLabel(e, top)}</td><td class="num">${seedsLabel(e)}</td></tr>`,
          )
          .join('')}</tbody></table>
        <p class="muted">Tied (highlighted): the 95% interval of the difference to the best, paired by seed, holds 0, so the seeds cannot tell it from the best. A schedule that diverged on a seed ranks below those that did not.${top === undefined ? '' : ' Successive halving: schedules rank by the rung they reached, then by their result there; one stopped at a lower rung is compared with that rung\'s best.'}</p>`
      : '<p class="muted">No trial has completed yet.</p>';
  };
  const renderTrials = () => {
    const rows = [...trials.values()].sort((a, b) => a.index - b.index);
    // A script's own objective (val_f1) gets a column; the named three have theirs.
    const own = ['val_loss', 'val_acc', 'train_loss'].includes(sweep.objective.metric) ? null : sweep.objective.metric;
    $('trials').innerHTML = `<table class="trials"><thead><tr><th>#</th><th>schedule</th><th class="num">seed</th><th>state</th>${sweep.halving ? '<th class="num">rung</th>' : ''}<th class="num">epochs</th><th class="num">val_loss</th><th class="num">val_acc</th>${own ? `<th class="num">${esc(own)}</th>` : ''}<th>error</th><th>added because</th><th>pack</th></tr></thead><tbody>${rows
      .map(
        (t) => `<tr data-trial="${esc(t.id)}"><td>${t.index}</td><td><code>${esc(scheduleLabel(t.schedule))}</code></td><td class="num">${t.seed}</td><td>${badge(t.state)}</td>${sweep.halving ? `<td class="num">${t.rung ?? ''}</td>` : ''}
          <td class="num">${t.epochsDone}${t.budgetEpochs ? `/${t.budgetEpochs}` : ''}</td><td class="num">${num(t.metrics.val_loss)}</td><td class="num">${num(t.metrics.val_acc)}</td>${own ? `<td class="num">${num(t.objective)}</td>` : ''}<td class="error">${esc(t.error ?? t.stopReason ?? '')}</td><td class="muted">${esc(t.reason ?? '')}</td><td class="muted" title="${esc(packLabel(t.pack).title)}"><code>${esc(packLabel(t.pack).short)}</code></td></tr>`,
      )
      .join('')}</tbody></table>`;
  };
  renderHead();
  renderTrials();
  renderBoard(await api(`/v1/sweeps/${sweepId}/leaderboard`));

  // Metrics: each charted trial's epochs (every metric by name), loaded once, then kept current
  // by the stream; the picker chooses which one is drawn, the objective at first.
  const charted = [...trials.values()].sort((a, b) => a.index - b.index).slice(0, MAX_CHARTED);
  const epochs = new Map(charted.map((t) => [t.id, new Map()]));
  const names = new Set();
  const keep = (trialId, e) => {
    const metrics = epochMetrics(e);
    epochs.get(trialId)?.set(e.epoch, metrics);
    const before = names.size;
    for (const name of Object.keys(metrics)) names.add(name);
    if (names.size > before) renderPicker();
  };
  let metric = sweep.objective.metric;
  const picker = $('metric');
  const renderPicker = () => {
    picker.innerHTML = metricChoices([...names], sweep.objective.metric).map((m) => `<option${m === metric ? ' selected' : ''}>${esc(m)}</option>`).join('');
  };
  renderPicker();
  await inBatches(charted.filter((t) => t.epochsDone > 0), 4, async (t) => {
    const detail = await api(`/v1/trials/${t.id}`);
    for (const e of detail.epochs) keep(t.id, e);
  });
  const lossData = () =>
    join(charted.map((t) => { const m = epochs.get(t.id); const x = [...m.keys()].sort((a, b) => a - b); return { x, y: x.map((e) => m.get(e)[metric] ?? null) }; }));
  const drawMetric = () =>
    lineChart($('loss-chart'), {
      title: metric,
      xLabel: 'epoch',
      yLabel: metric,
      series: charted.map((t) => ({ label: `${scheduleLabel(t.schedule)} · seed ${t.seed}`, color: color(scheduleIndex(t)), dash: t.seed === charted.find((o) => scheduleIndex(o) === scheduleIndex(t))?.seed ? undefined : [6, 3] })),
      data: lossData(),
    });
  let lossChart = drawMetric();
  picker.addEventListener('change', () => {
    metric = picker.value;
    lossChart.destroy();
    lossChart = drawMetric();
  });

  // Learning rate: PyTorch's trajectory for every distinct schedule (a plateau schedule's
  // depends on the metric, so its first trial's recorded lrs are used once it has epochs).
  const schedules = scheduleKeys.map((k) => JSON.parse(k));
  const curves = await lrCurves(schedules, sweep.spec?.task);
  for (const [i, s] of schedules.entries()) {
    const trial = charted.find((t) => scheduleIndex(t) === i && t.epochsDone > 0);
    if (s.type === 'ReduceLROnPlateau' && trial) {
      const detail = await api(`/v1/trials/${trial.id}`);
      curves[i] = { x: detail.epochs.map((e) => e.epoch), y: detail.epochs.map((e) => e.lr) };
    }
  }
  const lrChart = lineChart($('lr-chart'), {
    title: 'learning rate',
    xLabel: 'epoch',
    yLabel: 'learning rate',
    series: schedules.map((s, i) => ({ label: scheduleLabel(s), color: color(i), stepped: true })),
    data: join(curves),
  });

  // Live: the stream replays what it holds, then follows; updates are idempotent, so replayed
  // epochs just overwrite what the REST reads gave.
  let pending;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const [s, board, list] = await Promise.all([api(`/v1/sweeps/${sweepId}`), api(`/v1/sweeps/${sweepId}/leaderboard`), api(`/v1/sweeps/${sweepId}/trials?pageSize=500`)]);
      sweep = s;
      for (const t of list.items) trials.set(t.id, t);
      renderHead();
      renderBoard(board);
      renderTrials();
    }, 1500); // at most three reads per 1.5 s however fast trials finish: well inside the API's rate limit
  };
  let frame = 0;
  const redraw = () => (frame ||= requestAnimationFrame(() => ((frame = 0), lossChart.setData(lossData()))));
  const live = $('live');
  const events = new EventSource(eventsUrl(sweepId));
  events.onopen = () => (live.textContent = '● live');
  // Set by sweep.finished, cleared by sweep.reopened: a finished sweep's stream closes (and the
  // reconnect is answered 204) unless a rerun or an extension gave the sweep work again.
  let finished = false;
  events.onerror = () => (live.textContent = finished ? 'finished' : events.readyState === EventSource.CLOSED ? 'stream ended' : 'reconnecting…');
  events.addEventListener('trial.epoch', (m) => {
    const e = JSON.parse(m.data);
    keep(e.trialId, e);
    const t = trials.get(e.trialId);
    if (t && e.epoch + 1 > t.epochsDone) {
      t.epochsDone = e.epoch + 1;
      t.state = 'running';
      const cell = root.querySelector(`tr[data-trial="${e.trialId}"] td:nth-child(5)`);
      if (cell) cell.textContent = String(t.epochsDone);
    }
    redraw();
  });
  // events.missed: the stream trimmed what this page had not seen yet; the REST reads catch it up.
  for (const type of ['trial.state', 'leaderboard', 'sweep.cancelled', 'events.missed']) events.addEventListener(type, refresh);
  events.addEventListener('sweep.finished', () => {
    finished = true;
    live.textContent = 'finished';
    refresh();
  });
  events.addEventListener('sweep.reopened', () => {
    finished = false;
    live.textContent = '● live';
    refresh();
  });
  if (FINISHED.includes(sweep.status) && sweep.finishedAt) live.textContent = 'finished';

  return () => {
    events.close();
    clearTimeout(pending);
    cancelAnimationFrame(frame);
    lossChart.destroy();
    lrChart.destroy();
  };
}
