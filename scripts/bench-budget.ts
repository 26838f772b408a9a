// `npm run bench:budget`: one MNIST MLP sweep (12 schedules x 3 seeds) run three ways in one
// run: the full grid, successive halving with every rung's schedule compressed to the rung's
// length (rescale), and successive halving with the full schedule cut short (truncate). Prints
// the epochs and wall time of each, the Spearman rho of every rung's ranking against the full
// grid's, and whether each way's winner is one the grid calls tied with its best.
// Not a timed test: a figure of speed and quality, run by hand. Trials are trained in this
// process by @lrsweep/trainer (LRSWEEP_BACKEND or the fastest backend), with the same pure
// decisions the service makes: rungEpochs/maxPromoted (contracts), promoteRung (stats),
// rescaleSchedule with the task's steps per epoch (schedules, contracts).
// Options: --epochs 9 --min-epochs 1 --eta 3 --seeds 3 --objective val_loss|val_acc --onto steps|epochs --ladder
// (also train every configuration at every rung length both ways: rhos over one set), --out FILE
// (JSON of every figure, with each configuration's mean at every rung, signed so lower is better).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { maxPromoted, rungEpochs, stepsPerEpoch } from '@lrsweep/contracts';
import { rescaleSchedule, scheduleKey, describeSchedule, type ScheduleSpec } from '@lrsweep/schedules';
import { promoteRung, rankSchedules, type ScheduleResults } from '@lrsweep/stats';
import { selectBackend, train, type TrainTask } from '@lrsweep/trainer';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '9' },
    'min-epochs': { type: 'string', default: '1' },
    eta: { type: 'string', default: '3' },
    seeds: { type: 'string', default: '3' },
    objective: { type: 'string', default: 'val_loss' },
    ladder: { type: 'boolean', default: false },
    onto: { type: 'string', default: 'steps' },
    out: { type: 'string' },
  },
});
const E = Number(values.epochs);
const es = { min_epochs: Number(values['min-epochs']), eta: Number(values.eta) };
// val_loss (min) or val_acc (max): what the grid and every rung rank by.
const OBJECTIVE = values.objective === 'val_acc' ? 'val_acc' : 'val_loss';
const MODE = OBJECTIVE === 'val_acc' ? 'max' : 'min';
const SEEDS = Array.from({ length: Number(values.seeds) }, (_, i) => i);
const task: TrainTask = { dataset: 'mnist', model: { type: 'mlp', hidden: [128] }, epochs: E, batchSize: 64, optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 } } as TrainTask;
// 8,000 training digits / batch 64 = 125; the worker compresses with the same figure (trial-training.ts).
const STEPS = stepsPerEpoch(task);
// examples/bench-mnist.json's 12 schedules, their lengths written for E epochs.
const SCHEDULES: ScheduleSpec[] = [
  ...[3, 5].flatMap((step_size) => [0.1, 0.5].map((gamma) => ({ type: 'StepLR', step_size, gamma }))),
  { type: 'MultiStepLR', milestones: [Math.round(E / 2), Math.round(0.8 * E)], gamma: 0.1 },
  { type: 'ExponentialLR', gamma: 0.8 },
  { type: 'CosineAnnealingLR', T_max: E },
  { type: 'CosineAnnealingWarmRestarts', T_0: 2, T_mult: 2 },
  { type: 'LinearLR', start_factor: 1.0, end_factor: 0.1, total_iters: E },
  { type: 'OneCycleLR', max_lr: 0.4, total_steps: E * STEPS, interval: 'step' },
  { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.2, step_size_up: 250, interval: 'step' },
  { type: 'ReduceLROnPlateau', factor: 0.5, patience: 1 },
];
const KEYS = SCHEDULES.map((s) => scheduleKey(s));
const byKey = new Map(KEYS.map((k, i) => [k, SCHEDULES[i]!]));

interface Run {
  key: string;
  seed: number;
  objective: number | null;
  diverged: boolean;
}

/** Trains every (schedule, seed) for `epochs`, the schedule as given by `schedule`. */
async function trainAll(keys: string[], epochs: number, schedule: (s: ScheduleSpec) => ScheduleSpec): Promise<Run[]> {
  const trials = keys.flatMap((key) => SEEDS.map((seed) => ({ key, seed })));
  const outcomes = await train({
    task: { ...task, epochs },
    trials: trials.map(({ key, seed }) => ({ schedule: schedule(byKey.get(key)!), seed })),
    objectiveMetric: OBJECTIVE,
    onEpoch: () => {},
  });
  return trials.map((t, i) => {
    const o = outcomes[i]!;
    return { ...t, objective: o.status === 'completed' ? o.final[OBJECTIVE] : null, diverged: o.status === 'diverged' };
  });
}

function results(runs: Run[]): ScheduleResults<string>[] {
  const out = new Map<string, ScheduleResults<string>>();
  for (const r of runs) {
    const e = out.get(r.key) ?? { key: r.key, completed: [], diverged: 0, failed: 0 };
    if (r.objective !== null) (e.completed as Array<[number, number]>).push([r.seed, r.objective]);
    else if (r.diverged) e.diverged++;
    else e.failed++;
    out.set(r.key, e);
  }
  return [...out.values()];
}

/** Average ranks (1 = best), ties sharing their mean rank. */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rho: Pearson's correlation of the ranks. */
function spearman(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const m = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const [ma, mb] = [m(ra), m(rb)];
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** A configuration's mean objective, signed so that lower is better (what spearman and ranks compare). */
const meanOf = (r: ScheduleResults<string>) =>
  r.diverged > 0 || r.completed.length === 0 ? Infinity : ((MODE === 'max' ? -1 : 1) * r.completed.reduce((s, [, v]) => s + v, 0)) / r.completed.length;

/** Spearman's rho of a rung's ranking against the grid's, over the configurations both ranked (null below 3). */
function rhoAgainstGrid(res: ScheduleResults<string>[], gridMeans: Map<string, number>): number | null {
  const present = res.filter((r) => Number.isFinite(meanOf(r)) && Number.isFinite(gridMeans.get(r.key)!));
  return present.length >= 3 ? spearman(present.map(meanOf), present.map((r) => gridMeans.get(r.key)!)) : null;
}

/**
 * How a rung of b epochs trains a schedule: compressed as the worker does
 * (apps/worker/src/trial-training.ts), onto the rung's steps, or cut short. `--onto epochs`
 * compresses onto epochs instead (what a script's task without stepsPerEpoch gets), to measure
 * what moving onto steps buys.
 */
const ONTO_STEPS = values.onto !== 'epochs';
const rungSchedule = (rescale: boolean, b: number) => (s: ScheduleSpec) => (rescale ? rescaleSchedule(s, b, E, ONTO_STEPS ? { stepsPerEpoch: STEPS } : {}) : s);

async function halving(rescale: boolean, gridMeans: Map<string, number>) {
  const ladder = rungEpochs(es, E);
  const started = Date.now();
  let keys = KEYS;
  let epochs = 0;
  const rungs: Array<{ epochs: number; configurations: number; rho: number | null; means: Record<string, number> }> = [];
  let winner = '';
  for (const [i, b] of ladder.entries()) {
    const runs = await trainAll(keys, b, rungSchedule(rescale, b));
    epochs += runs.length * b;
    const res = results(runs);
    rungs.push({
      epochs: b,
      configurations: keys.length,
      rho: rhoAgainstGrid(res, gridMeans),
      means: Object.fromEntries(res.map((r) => [describeSchedule(byKey.get(r.key)!), meanOf(r)])),
    });
    if (i === ladder.length - 1) {
      winner = rankSchedules(res.filter((r) => r.completed.length > 0), MODE)[0]!.key;
      break;
    }
    const n = keys.length;
    keys = promoteRung(res, MODE, { keep: Math.ceil(n / es.eta), cap: maxPromoted(n, es.eta) }).promoted;
  }
  return { epochs, seconds: (Date.now() - started) / 1000, rungs, winner };
}

async function main(): Promise<void> {
  const backend = await selectBackend(process.env.LRSWEEP_BACKEND);
  process.stdout.write(`bench:budget: MNIST MLP [128], ${KEYS.length} schedules x ${SEEDS.length} seeds, ${E} epochs, rungs ${rungEpochs(es, E).join(', ')} (eta ${es.eta}), ranked by ${OBJECTIVE}, rescaled onto ${ONTO_STEPS ? 'steps' : 'epochs'}; backend ${backend.name}\n`);

  const t0 = Date.now();
  const gridRuns = await trainAll(KEYS, E, (s) => s);
  const grid = { epochs: gridRuns.length * E, seconds: (Date.now() - t0) / 1000 };
  const gridResults = results(gridRuns);
  const gridMeans = new Map(gridResults.map((r) => [r.key, meanOf(r)]));
  const board = rankSchedules(gridResults.filter((r) => r.completed.length > 0), MODE);
  const tied = (key: string) => board.find((e) => e.key === key)?.tiedWithBest === true;
  process.stdout.write(`grid: ${grid.epochs} epochs, ${grid.seconds.toFixed(0)} s; best ${describeSchedule(byKey.get(board[0]!.key)!)} ${OBJECTIVE} ${board[0]!.mean.toFixed(4)}; tied with it: ${board.filter((e) => e.tiedWithBest === true).length - 1}\n`);

  const figures: Record<string, unknown> = {
    epochs: E,
    seeds: SEEDS.length,
    objective: OBJECTIVE,
    onto: ONTO_STEPS ? 'steps' : 'epochs',
    eta: es.eta,
    min_epochs: es.min_epochs,
    backend: backend.name,
    grid: {
      ...grid,
      best: describeSchedule(byKey.get(board[0]!.key)!),
      board: board.map((e) => ({ schedule: describeSchedule(byKey.get(e.key)!), mean: e.mean, tiedWithBest: e.tiedWithBest })),
    },
  };
  for (const [name, rescale] of [['rescale', true], ['truncate', false]] as const) {
    const h = await halving(rescale, gridMeans);
    const rhos = h.rungs.map((r) => `${r.epochs} ep x ${r.configurations}: rho ${r.rho === null ? 'n/a' : r.rho.toFixed(2)}`).join('; ');
    process.stdout.write(
      `${name}: ${h.epochs} epochs (${((100 * h.epochs) / grid.epochs).toFixed(0)}% of the grid), ${h.seconds.toFixed(0)} s; rungs ${rhos}; winner ${describeSchedule(byKey.get(h.winner)!)}, ` +
        `${h.winner === board[0]!.key ? "the grid's best" : tied(h.winner) ? "tied with the grid's best" : "NOT tied with the grid's best"}\n`,
    );
    figures[name] = { ...h, winner: describeSchedule(byKey.get(h.winner)!), winnerTiedWithGridBest: h.winner === board[0]!.key || tied(h.winner) };
  }
  if (values.ladder) {
    // The halving runs' later rungs rank different sets of configurations (each way promoted its
    // own), so their rhos are not comparable: here every configuration trains at every rung
    // length both ways, and each ranking of all of them is compared with the grid's.
    const ladder: Array<{ epochs: number; rescale: number | null; truncate: number | null }> = [];
    for (const b of rungEpochs(es, E).slice(0, -1)) {
      const rho = async (rescale: boolean) => rhoAgainstGrid(results(await trainAll(KEYS, b, rungSchedule(rescale, b))), gridMeans);
      ladder.push({ epochs: b, rescale: await rho(true), truncate: await rho(false) });
    }
    const fmt = (r: number | null) => (r === null ? 'n/a' : r.toFixed(2));
    process.stdout.write(`every configuration at every rung length, rho against the grid: ${ladder.map((l) => `${l.epochs} ep: rescale ${fmt(l.rescale)}, truncate ${fmt(l.truncate)}`).join('; ')}\n`);
    figures.ladder = ladder;
  }
  if (values.out) writeFileSync(values.out, JSON.stringify(figures, null, 2) + '\n');
}

await main();
