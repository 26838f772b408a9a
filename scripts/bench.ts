// `npm run bench`: every speed figure of the project, printed.
//  1. one scheduler step() per PyTorch scheduler (packages/schedules)
//  2. the training backends side by side (packages/trainer)
//  3. examples/bench-mnist.json (12 schedules x 3 seeds, MNIST MLP, 10 epochs, batch 64) through
//     the running service (`lrsweep serve`, 2 workers), once per backend in --backends
//  4. the PyTorch trainer sweep (warm processes, then reuse: false, each with its per-trial
//     overhead) and plain PyTorch's loop, when scripts/bench-pytorch.ts exists
// Options: --backends wasm,blas (default: the workers' own choice), --skip micro,service,pytorch
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, root, trialTimings, waitForSweep, withBenchService } from './bench-service.ts';
const { values } = parseArgs({ options: { backends: { type: 'string' }, skip: { type: 'string', default: '' }, workers: { type: 'string', default: '2' } } });
const skip = new Set(values.skip!.split(',').filter(Boolean));
const workers = Number(values.workers);
const heading = (title: string) => process.stdout.write(`\n== ${title} ==\n`);

function runScript(file: string, args: string[] = []): void {
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, file), ...args], { stdio: 'inherit', cwd: root });
}

interface SweepFigures {
  backend: string;
  trials: number;
  wallSeconds: number;
  trialsPerMinute: number;
  medianTrialSeconds: number;
  medianTrainingSeconds: number;
  overheadPerTrial: number;
  bestSchedule: string;
  bestValLoss: number;
  bestValAcc: number;
}

async function serviceSweep(backend: string | undefined): Promise<SweepFigures> {
  return withBenchService({ name: 'bench', workers, env: backend ? { LRSWEEP_BACKEND: backend } : {} }, async ({ api, databaseUrl }) => {
    const body = readFileSync(path.join(root, 'examples/bench-mnist.json'), 'utf8');
    const started = Date.now();
    const created = (await (await fetch(`${api}/v1/sweeps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { id: string; trials: number };
    await waitForSweep(api, created.id);
    const wallSeconds = (Date.now() - started) / 1000;
    const trials = await trialTimings(databaseUrl, created.id);
    const board = (await (await fetch(`${api}/v1/sweeps/${created.id}/leaderboard`)).json()) as { entries: Array<{ schedule: Record<string, unknown>; mean: number; trials: string[] }> };
    const best = board.entries[0]!;
    const bestTrial = (await (await fetch(`${api}/v1/trials/${best.trials[0]}`)).json()) as { metrics: { val_acc: number } };
    const medianTrialSeconds = median(trials.map((t) => t.wall));
    const medianTrainingSeconds = median(trials.map((t) => t.training));
    return {
      backend: trials[0]?.backend ?? '?',
      trials: trials.length,
      wallSeconds,
      trialsPerMinute: (trials.length / wallSeconds) * 60,
      medianTrialSeconds,
      medianTrainingSeconds,
      // Everything a worker spends on a trial that is not an epoch of training: claiming,
      // loading, writing epochs and checkpoints, finishing; plus the queue's hand-off time
      // spread over the trials.
      overheadPerTrial: (wallSeconds * workers) / trials.length - medianTrainingSeconds,
      bestSchedule: JSON.stringify(best.schedule),
      bestValLoss: best.mean,
      bestValAcc: bestTrial.metrics.val_acc,
    };
  });
}

if (!skip.has('micro')) {
  heading('scheduler step() cost (packages/schedules)');
  runScript('packages/schedules/bench/step.bench.ts');
  heading('training backends (packages/trainer)');
  runScript('packages/trainer/bench/backends.bench.ts');
}

if (!skip.has('service')) {
  const backends = values.backends ? values.backends.split(',') : [undefined];
  const rows: SweepFigures[] = [];
  for (const backend of backends) {
    heading(`service sweep: examples/bench-mnist.json, ${workers} workers, backend ${backend ?? '(default)'}`);
    rows.push(await serviceSweep(backend));
  }
  heading('service sweep results');
  const cols = ['backend', 'trials', 'wall s', 'trials/min', 'median s/trial', 'median train s', 'overhead s/trial', 'best val_loss', 'its val_acc'];
  const table = rows.map((r) => [r.backend, String(r.trials), r.wallSeconds.toFixed(1), r.trialsPerMinute.toFixed(2), r.medianTrialSeconds.toFixed(2), r.medianTrainingSeconds.toFixed(2), r.overheadPerTrial.toFixed(2), r.bestValLoss.toFixed(4), r.bestValAcc.toFixed(4)]);
  const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
  for (const line of [cols, ...table]) process.stdout.write(line.map((c, i) => c.padStart(widths[i]!)).join('  ') + '\n');
  for (const r of rows) process.stdout.write(`best schedule (${r.backend}): ${r.bestSchedule}\n`);
  process.stdout.write('For scale (issue 15): plain PyTorch 1.13 + OpenBLAS, one thread per process, runs this loop at ~0.65-1.0 s per trial (~36 s for 36 in one process, ~17-24 s in two) on this 2-core machine (measured below unless --skip pytorch).\n');
}

if (!skip.has('pytorch') && existsSync(path.join(root, 'scripts/bench-pytorch.ts'))) {
  heading('PyTorch trainer sweep and plain PyTorch loop');
  runScript('scripts/bench-pytorch.ts');
}
