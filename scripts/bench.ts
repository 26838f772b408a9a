// `npm run bench`: every speed figure of the project, printed.
//  1. one scheduler step() per PyTorch scheduler (packages/schedules)
//  2. the training backends side by side (packages/trainer)
//  3. examples/bench-mnist.json (12 schedules x 3 seeds, MNIST MLP, 10 epochs, batch 64) through
//     the running service (`lrsweep serve`), once per backend in --backends, each packed
//     (LRSWEEP_PACK as the worker defaults it, or as set, 1 worker) and unpacked (LRSWEEP_PACK=1,
//     2 workers),
//     then plain PyTorch's loop on the same 36 trials in 2 processes of one thread each, in the
//     same run: each wall time, its ratio to PyTorch's, and the CPU time Postgres, Redis and
//     the API spent as a share of the sweep's wall time
//  4. the PyTorch trainer sweep (warm processes, then reuse: false, each with its per-trial
//     overhead), when scripts/bench-pytorch.ts exists
// Options: --backends wasm,blas (default: the workers' own choice), --workers N (2; plain
// PyTorch runs in as many processes), --packs 6,36@1 (packed runs to measure: LRSWEEP_PACK
// values, each optionally @ its own worker count; default: the worker's default pack),
// --skip micro,service,unpacked,plain,pytorch
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuBetween, snapshotCpu, type CpuPart } from './bench-cpu.ts';
import { plainPytorchLoop, sweepTrials, torchMissing } from './bench-plain-pytorch.ts';
import { median, root, trialTimings, waitForSweep, withBenchService } from './bench-service.ts';
const { values } = parseArgs({ options: { backends: { type: 'string' }, skip: { type: 'string', default: '' }, workers: { type: 'string', default: '2' }, packs: { type: 'string' } } });
const skip = new Set(values.skip!.split(',').filter(Boolean));
const workers = Number(values.workers);
/**
 * Workers of the default packed run: on 2 cores one worker with the default pack beat two (the
 * cores share their floating-point units, so a second worker adds little training throughput
 * and doubles the Postgres writes at once); the unpacked run keeps one worker per core.
 */
const PACKED_WORKERS = 1;
const heading = (title: string) => process.stdout.write(`\n== ${title} ==\n`);

function runScript(file: string, args: string[] = []): void {
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, file), ...args], { stdio: 'inherit', cwd: root });
}

interface SweepFigures {
  label: string;
  backend: string;
  /** CPU seconds each part of the service spent during the sweep (bench-cpu.ts). */
  cpu: Record<CpuPart, number>;
  trials: number;
  wallSeconds: number;
  trialsPerMinute: number;
  medianTrialSeconds: number;
  medianTrainingSeconds: number;
  bestSchedule: string;
  bestValLoss: number;
  bestValAcc: number;
}

/**
 * One tiny sweep (one spirals trial, one epoch) and each read the bench makes, before the
 * measured sweep: a service's first answer of each kind compiles its response serializers
 * (~0.13 s of the API's CPU, once per process), which a running service has long paid.
 */
async function warmUp(api: string): Promise<void> {
  const tiny = {
    name: 'bench-warm-up',
    task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 1, batchSize: 64, optimizer: { type: 'SGD', lr: 0.1 } },
    schedules: [{ type: 'StepLR', step_size: 1 }],
    seeds: 1,
  };
  const res = await fetch(`${api}/v1/sweeps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tiny) });
  if (!res.ok) throw new Error(`the warm-up sweep was refused: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { id: string };
  await waitForSweep(api, created.id);
  const board = (await (await fetch(`${api}/v1/sweeps/${created.id}/leaderboard`)).json()) as { entries: Array<{ trials: string[] }> };
  await fetch(`${api}/v1/trials/${board.entries[0]!.trials[0]}`);
}

async function serviceSweep(label: string, backend: string | undefined, env: Record<string, string>, workers: number): Promise<SweepFigures> {
  return withBenchService({ name: 'bench', workers, env: { ...(backend ? { LRSWEEP_BACKEND: backend } : {}), ...env } }, async ({ api, database, databaseUrl, servePid, redisPid }) => {
    const body = readFileSync(path.join(root, 'examples/bench-mnist.json'), 'utf8');
    await warmUp(api);
    const cpuBefore = await snapshotCpu({ servePid, databaseUrl, database, redisPid });
    const started = Date.now();
    const created = (await (await fetch(`${api}/v1/sweeps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as { id: string; trials: number };
    await waitForSweep(api, created.id);
    const cpu = cpuBetween(cpuBefore, await snapshotCpu({ servePid, databaseUrl, database, redisPid }));
    const trials = await trialTimings(databaseUrl, created.id);
    // Submit to the last trial's finish, from its own timestamp: the 500 ms status poll would add up to half a second.
    const wallSeconds = (Math.max(...trials.map((t) => t.finishedAtMs)) - started) / 1000;
    const board = (await (await fetch(`${api}/v1/sweeps/${created.id}/leaderboard`)).json()) as { entries: Array<{ schedule: Record<string, unknown>; mean: number; trials: string[] }> };
    const best = board.entries[0]!;
    const bestTrial = (await (await fetch(`${api}/v1/trials/${best.trials[0]}`)).json()) as { metrics: { val_acc: number } };
    const medianTrialSeconds = median(trials.map((t) => t.wall));
    const medianTrainingSeconds = median(trials.map((t) => t.training));
    return {
      label,
      cpu,
      backend: trials[0]?.backend ?? '?',
      trials: trials.length,
      wallSeconds,
      trialsPerMinute: (trials.length / wallSeconds) * 60,
      medianTrialSeconds,
      medianTrainingSeconds,
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
  // Packed: LRSWEEP_PACK as this environment sets it (unset: the worker's default), or each of --packs.
  const packed = values.packs
    ? values.packs.split(',').map((item) => {
        const [p, w] = item.split('@');
        const n = Number(w ?? workers);
        return { label: `packed (LRSWEEP_PACK=${p}, ${n} worker${n === 1 ? '' : 's'})`, env: { LRSWEEP_PACK: p! }, workers: n };
      })
    : [{ label: `packed (LRSWEEP_PACK=${process.env.LRSWEEP_PACK ?? 'default'}, ${PACKED_WORKERS} worker)`, env: {}, workers: PACKED_WORKERS }];
  const runs = [...packed, ...(skip.has('unpacked') ? [] : [{ label: `unpacked (LRSWEEP_PACK=1, ${workers} workers)`, env: { LRSWEEP_PACK: '1' }, workers }])];
  const rows: SweepFigures[] = [];
  for (const backend of backends) {
    for (const run of runs) {
      heading(`service sweep: examples/bench-mnist.json, backend ${backend ?? '(default)'}, ${run.label}`);
      rows.push(await serviceSweep(run.label, backend, run.env, run.workers));
    }
  }
  // The reference, in the same run: plain PyTorch's loop on the same trials, one process per worker.
  let plainSeconds: number | undefined;
  if (!skip.has('plain')) {
    const missing = torchMissing();
    if (missing) process.stdout.write(`${missing}\n`);
    else {
      heading(`plain PyTorch: the same trials, ${workers} processes, OMP_NUM_THREADS=1, no lrsweep`);
      const bench = JSON.parse(readFileSync(path.join(root, 'examples/bench-mnist.json'), 'utf8')) as { schedules: object[]; seeds: number; task: { model: { hidden: number[] }; epochs: number; batchSize: number; optimizer: object } };
      const task = { args: { hidden: bench.task.model.hidden[0], batch_size: bench.task.batchSize }, epochs: bench.task.epochs, optimizer: bench.task.optimizer };
      const plain = await plainPytorchLoop(task, sweepTrials(bench), workers);
      plainSeconds = plain.wallSeconds;
      process.stdout.write(`plain PyTorch: ${plain.trials} trials in ${plain.wallSeconds.toFixed(1)} s (median ${plain.medianTrainingSeconds.toFixed(2)} s a trial, best val_loss ${plain.bestValLoss.toFixed(4)})\n`);
    }
  }
  heading('service sweep results');
  // Postgres, Redis and the API: CPU seconds they spent during the sweep, as a share of its wall time.
  const services = (r: SweepFigures) => r.cpu.postgres + r.cpu.redis + r.cpu.api;
  const cols = ['run', 'backend', 'trials', 'wall s', 'x PyTorch', 'trials/min', 'median s/trial', 'pg+redis+api CPU s', 'outside training', 'worker CPU s', 'best val_loss'];
  const table = rows.map((r) => [
    r.label,
    r.backend,
    String(r.trials),
    r.wallSeconds.toFixed(1),
    plainSeconds ? (r.wallSeconds / plainSeconds).toFixed(2) : '-',
    r.trialsPerMinute.toFixed(2),
    r.medianTrialSeconds.toFixed(2),
    services(r).toFixed(2),
    `${((100 * services(r)) / r.wallSeconds).toFixed(1)}%`,
    r.cpu.workers.toFixed(2),
    r.bestValLoss.toFixed(4),
  ]);
  if (plainSeconds) table.push(['plain PyTorch loop', 'torch', String(rows[0]?.trials ?? '-'), plainSeconds.toFixed(1), '1.00', '-', '-', '-', '-', '-', '-']);
  const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
  for (const line of [cols, ...table]) process.stdout.write(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n');
  for (const r of rows) {
    const c = r.cpu;
    process.stdout.write(`${r.label}: CPU s postgres ${c.postgres.toFixed(2)}, redis ${c.redis.toFixed(2)}, api ${c.api.toFixed(2)}, workers ${c.workers.toFixed(2)}, training ${c.training.toFixed(1)}; best schedule ${r.bestSchedule}\n`);
  }
  process.stdout.write(
    'Targets (issue 15): packed <= 0.50 x PyTorch; Postgres, Redis and the API under 5% of the wall time ("outside training": their CPU seconds over the sweep / its wall seconds).\n' +
      '"worker CPU s": the workers\' own processes (claims, epoch writes, events), beside the training processes.\n',
  );
}

if (!skip.has('pytorch') && existsSync(path.join(root, 'scripts/bench-pytorch.ts'))) {
  heading('PyTorch trainer sweep and plain PyTorch loop');
  runScript('scripts/bench-pytorch.ts');
}
