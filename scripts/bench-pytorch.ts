// The 12-schedule x 3-seed MNIST sweep of examples/bench-mnist.json, trained by the PyTorch
// example (trainer mnist-torch of lrsweep.config.yaml) through the running service with 2
// workers, in warm processes (the default) and with `reuse: false` (one process per trial);
// then plain PyTorch's loop of the same 36 trials in 2 processes, all measured in the same run
// on the same machine. `npm run bench` runs it; alone: npx tsx scripts/bench-pytorch.ts
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PYTHON, plainPytorchLoop, sweepTrials } from './bench-plain-pytorch.ts';
import { median, root, trialTimings, waitForSweep, withBenchService } from './bench-service.ts';
const WORKERS = 2;
const bench = JSON.parse(readFileSync(path.join(root, 'examples/bench-mnist.json'), 'utf8')) as { schedules: Array<{ type: string }>; seeds: number; objective: object };
// The same sweep, with the built-in task swapped for the script: 8,000 / 64 = 125 steps per epoch.
const task = { trainer: 'mnist-torch', args: { hidden: 128, batch_size: 64 }, epochs: 10, stepsPerEpoch: 125, optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 } };
const body = { ...bench, name: 'bench-pytorch-12x3', task };

const line = (s: string) => process.stdout.write(s + '\n');

/** lrsweep.config.yaml's mnist-torch with `reuse: false`: every trial starts python, imports torch and loads the data. */
function freshConfig(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-bench-'));
  const file = path.join(dir, 'lrsweep.config.yaml');
  const trainer = ['  mnist-torch:', `    command: ${JSON.stringify(path.join(root, 'examples/pytorch-mnist/train.py'))}`, `    interpreter: ${PYTHON}`, `    cwd: ${JSON.stringify(root)}`, '    env: {OMP_NUM_THREADS: "1"}', '    reuse: false'];
  writeFileSync(file, ['trainers:', ...trainer, 'checkpointDir: checkpoints'].join('\n'));
  return file;
}

async function serviceSweep(config: string) {
  return withBenchService({ name: 'bench_torch', workers: WORKERS, env: { LRSWEEP_CONFIG: config } }, async ({ api, databaseUrl }) => {
    let created: { id?: string; trials?: number; error?: { message: string } } = {};
    // The workers advertise mnist-torch as they boot: until then the API answers 400.
    for (let i = 0; i < 100 && !created.id; i++) {
      const res = await fetch(`${api}/v1/sweeps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      created = (await res.json()) as typeof created;
      if (!created.id) await new Promise((r) => setTimeout(r, 300));
    }
    if (!created.id) throw new Error(`sweep refused: ${created.error?.message}`);
    const started = Date.now();
    await waitForSweep(api, created.id);
    const wallSeconds = (Date.now() - started) / 1000;
    const trials = await trialTimings(databaseUrl, created.id);
    const board = (await (await fetch(`${api}/v1/sweeps/${created.id}/leaderboard`)).json()) as { entries: Array<{ schedule: object; mean: number }> };
    return {
      trials: trials.length,
      completed: trials.filter((t) => t.state === 'completed').length,
      mismatches: trials.filter((t) => t.mismatch).length,
      wallSeconds,
      medianTrialSeconds: median(trials.map((t) => t.wall)),
      medianTrainingSeconds: median(trials.map((t) => t.training)),
      // What a trial costs beyond its epochs: starting (or handing over to) the process, imports, data, claims and writes.
      medianOverheadSeconds: median(trials.map((t) => t.wall - t.training)),
      best: board.entries[0],
    };
  });
}

line(`PyTorch sweep: examples/bench-mnist.json's 12 schedules x 3 seeds, task {trainer: mnist-torch, MLP 128, 10 epochs, batch 64}, ${WORKERS} workers, warm processes`);
const service = await serviceSweep(path.join(root, 'lrsweep.config.yaml'));
line(`the same sweep with reuse: false (one process per trial)`);
const fresh = await serviceSweep(freshConfig());
line(`plain PyTorch: the same ${service.trials} trials, ${WORKERS} processes, no lrsweep`);
const plain = await plainPytorchLoop(task, sweepTrials(bench), WORKERS);
const cols = ['run', 'trials', 'wall s', 'trials/min', 'median train s/trial', 'median s/trial', 'median overhead s/trial'];
const serviceRow = (name: string, r: typeof service) => [name, String(r.trials), r.wallSeconds.toFixed(1), ((r.trials / r.wallSeconds) * 60).toFixed(2), r.medianTrainingSeconds.toFixed(2), r.medianTrialSeconds.toFixed(2), r.medianOverheadSeconds.toFixed(2)];
const table = [
  serviceRow('lrsweep, warm processes', service),
  serviceRow('lrsweep, reuse: false', fresh),
  ['plain PyTorch loop', String(plain.trials), plain.wallSeconds.toFixed(1), ((plain.trials / plain.wallSeconds) * 60).toFixed(2), plain.medianTrainingSeconds.toFixed(2), '-', '-'],
];
const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
for (const row of [cols, ...table]) line(row.map((c, i) => c.padStart(widths[i]!)).join('  '));
line(`completed ${service.completed}/${service.trials} (reuse: false ${fresh.completed}/${fresh.trials}), lr mismatches ${service.mismatches + fresh.mismatches}`);
line(`service wall / plain wall = ${(service.wallSeconds / plain.wallSeconds).toFixed(2)} warm, ${(fresh.wallSeconds / plain.wallSeconds).toFixed(2)} with reuse: false (target: <= 1.15 warm)`);
line(`per-trial overhead (wall - training, median): ${service.medianOverheadSeconds.toFixed(2)} s warm, ${fresh.medianOverheadSeconds.toFixed(2)} s with reuse: false`);
if (service.best) line(`best schedule: ${JSON.stringify(service.best.schedule)} val_loss ${service.best.mean.toFixed(4)} (plain loop's best val_loss ${plain.bestValLoss.toFixed(4)})`);
