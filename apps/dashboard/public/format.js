// Small pure helpers shared by the pages.

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** 0.000123 -> "1.23e-4", 0.5 -> "0.5": metrics and rates span many decades. */
export function num(x, digits = 4) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

/** `StepLR(step_size=2, gamma=0.5)`, as in a PyTorch script. */
export function scheduleLabel(schedule) {
  if (!schedule || typeof schedule !== 'object') return String(schedule);
  // `lr` is no scheduler's parameter: a sweep that searches optimizer.lr keeps each trial's there.
  const { type, lr, ...params } = schedule;
  const args = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
  return `${type}(${args.join(', ')})${lr === undefined ? '' : ` at lr=${lr}`}`;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
export const color = (i) => PALETTE[i % PALETTE.length];

export const badge = (state) => `<span class="badge ${esc(state)}">${esc(state)}</span>`;

export const progressBar = (p) =>
  `<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.round(p * 100)}"><span style="width:${(p * 100).toFixed(1)}%"></span></div>`;

/** Training-set sizes of the built-in datasets: contracts' DATASET_SIZES, which the page cannot import (test/format.test.ts keeps them equal). */
export const TRAIN_SIZES = { spirals: 720, mnist: 8000 };

/** Optimizer steps per epoch for a task (contracts' stepsPerEpoch, held equal by a test), or 1 when unknown (an external trainer may say so itself). */
export function stepsPerEpoch(task) {
  if (task?.stepsPerEpoch) return task.stepsPerEpoch;
  const n = TRAIN_SIZES[task?.dataset];
  return n && task?.batchSize ? Math.ceil(n / task.batchSize) : 1;
}

/**
 * Expands grid axes (`{"values": [...]}`, at any depth) into concrete schedules, the way the
 * API does, so the form can preview each one. Stops at `limit`.
 */
export function expandGrid(spec, limit = 50) {
  const isAxis = (v) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray(v.values);
  const expand = (v) => {
    if (isAxis(v)) return v.values.flatMap(expand);
    if (Array.isArray(v)) return v.reduce((acc, item) => acc.flatMap((a) => expand(item).map((x) => [...a, x])).slice(0, limit), [[]]);
    if (v && typeof v === 'object') {
      return Object.entries(v).reduce((acc, [k, item]) => acc.flatMap((a) => expand(item).map((x) => ({ ...a, [k]: x }))).slice(0, limit), [{}]);
    }
    return [v];
  };
  return expand(spec).slice(0, limit);
}

/**
 * Where each JSON pointer's value sits in `text` ({start, end} offsets), so an API issue at
 * `/schedules/0/gamma` can be shown on its line. Assumes `text` parses as JSON.
 */
export function pointerOffsets(text) {
  const out = new Map();
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const str = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (ptr) => {
    ws();
    const start = i;
    if (text[i] === '{') {
      i++;
      ws();
      while (text[i] !== '}') {
        ws();
        const key = str();
        ws();
        i++; // :
        value(`${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      ws();
      for (let k = 0; text[i] !== ']'; k++) {
        value(`${ptr}/${k}`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (text[i] === '"') str();
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    out.set(ptr, { start, end: i });
  };
  value('');
  return out;
}

/** The pointer itself or its nearest ancestor found in `offsets` (a missing field points at its parent). */
export function locate(offsets, pointer) {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const hit = offsets.get(p === '/' ? '' : p);
    if (hit) return hit;
    if (p === '' || p === '/') return undefined;
  }
}

export const lineOf = (text, offset) => text.slice(0, offset).split('\n').length;

/**
 * The leaderboard's tied marker, as the CLI prints it: `best`, `tied`, `?` (no interval can say)
 * or ''; in a successive-halving sweep (`top`: its highest rung) `stopped` below the top rung.
 */
export function tiedLabel(entry, top) {
  if (entry.rank === 1) return 'best';
  if (top !== undefined && typeof entry.rung === 'number' && entry.rung < top) return 'stopped';
  return entry.tiedWithBest === true ? 'tied' : entry.tiedWithBest === null ? '?' : '';
}

/** `3`, or `2 · 1 diverged · 1 failed`: lost seeds are shown, never dropped silently. */
export function seedsLabel(entry) {
  return [String(entry.n), entry.diverged ? `${entry.diverged} diverged` : '', entry.failed ? `${entry.failed} failed` : ''].filter(Boolean).join(' · ');
}

/** `[lo, hi]` in `num`'s format, or `no interval` (one seed). */
export const intervalLabel = (ci, digits = 4) => (ci ? `[${num(ci[0], digits)}, ${num(ci[1], digits)}]` : 'no interval');

/** The one axis every row's interval plot shares: all intervals (or lone means), padded 5% each side. */
export function intervalDomain(entries) {
  const xs = entries.flatMap((e) => e.ci ?? [e.mean]);
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (!(hi > lo)) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * One row of the interval plot beside the leaderboard: the entry's 95% interval as a bar, its
 * mean as a dot, and the best's mean as a dashed line, on the shared `domain`; a tied entry's
 * bar in the accent colour. An inline SVG, so the plot lines up with the table's rows.
 */
export function intervalSvg(entry, domain, bestMean, width = 160, height = 14) {
  const x = (v) => (((v - domain[0]) / (domain[1] - domain[0])) * width).toFixed(1);
  const y = height / 2;
  const colour = entry.tiedWithBest ? 'var(--accent)' : '#98a2b3';
  const bar = entry.ci ? `<line x1="${x(entry.ci[0])}" x2="${x(entry.ci[1])}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="3" stroke-linecap="round"/>` : '';
  return `<svg class="interval" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`${num(entry.mean)} ${intervalLabel(entry.ci)}`)}">`
    + `<line x1="${x(bestMean)}" x2="${x(bestMean)}" y1="0" y2="${height}" stroke="#667085" stroke-dasharray="2 2"/>`
    + `${bar}<circle cx="${x(entry.mean)}" cy="${y}" r="3" fill="${colour}"/></svg>`;
}

const NAMED_METRICS = ['val_loss', 'val_acc', 'train_loss'];

/** An epoch's metrics by name, as a trial's epochs and trial.epoch events carry them: the named three it reported (not null) and a script's own `metrics`. */
export function epochMetrics(e) {
  const named = Object.fromEntries(NAMED_METRICS.filter((m) => typeof e[m] === 'number').map((m) => [m, e[m]]));
  return { ...named, ...(e.metrics ?? {}) };
}

/** The metrics the chart offers: the objective first (what the sweep ranks on), then the named three, then the rest sorted. */
export function metricChoices(names, objective) {
  const rank = (m) => (m === objective ? 0 : NAMED_METRICS.includes(m) ? 1 + NAMED_METRICS.indexOf(m) : 9);
  return [...new Set([objective, ...names])].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The highest rung a successive-halving leaderboard's entries reached; undefined for a grid. */
export function topRung(entries) {
  const rungs = entries.map((e) => e.rung).filter((r) => typeof r === 'number');
  return rungs.length ? Math.max(...rungs) : undefined;
}

/** `rung 0 (2 epochs): 6 schedules, 4 stopped · rung 1 (6 epochs): 2 schedules · 48 of the full grid's 72 epochs`. */
export function rungsLabel(halving) {
  const rungs = halving.rungs.map((r) => `rung ${r.rung} (${r.epochs} epochs): ${r.configurations} schedule${r.configurations === 1 ? '' : 's'}${r.stopped ? `, ${r.stopped} stopped` : ''}`);
  return [...rungs, `${halving.epochsSpent} of the full grid's ${halving.gridEpochs} epochs`].join(' · ');
}

/** The pack a trial trained in, short ("3f2a9c1e ×6"), and in full for its tooltip; empty for a trial trained alone. */
export function packLabel(pack) {
  if (!pack) return { short: '', title: '' };
  return { short: `${pack.id.slice(0, 8)} ×${pack.size}`, title: `trained in pack ${pack.id} with ${pack.size - 1} other trial${pack.size === 2 ? '' : 's'} of this sweep` };
}
