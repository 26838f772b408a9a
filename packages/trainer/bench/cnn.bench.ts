// The MNIST CNN ([8, 16], batch 64, Adam) per trial-epoch: one trial on blas and on tfjs wasm
// through train(), a pack of 12 same-seed trials on blas (packed-cnn.model.ts, driven here
// directly until the packed epoch loop lands), and plain PyTorch's loop on the same CNN where
// /usr/bin/python3 has torch (one thread). Each variant runs in its own child process; CPU
// seconds are the figure to compare on a shared machine, wall seconds are printed beside them.
//   npm run bench:cnn -w @lrsweep/trainer     (also the second half of `npm run bench`)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { blas } from '../src/blas/blas-addon.ts';
import { createBlasOptimizer } from '../src/blas/blas-optimizer.ts';
import { createPackedCnn } from '../src/blas/packed-cnn.model.ts';
import { STREAM, deriveSeed, mulberry32, permutation } from '../src/rng.ts';
import { loadDataset, selectBackend, train, type EpochRow } from '../src/index.ts';

const CHANNELS = [8, 16];
const BATCH = 64;
const LR = 1e-3;
const PACK = 12;
const SWEEP_EPOCHS = 10;

interface Result {
  id: string;
  epochs?: number;
  trials?: number;
  /** Per trial-epoch. */
  cpuSeconds?: number;
  wallSeconds?: number;
  valAcc?: number;
  error?: string;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function oneTrial(backend: string, epochs: number): Promise<Omit<Result, 'id'>> {
  await selectBackend(backend);
  await loadDataset('mnist');
  const rows: EpochRow[] = [];
  const [wall0, cpu0] = [performance.now(), cpuNow()];
  await train({
    task: { dataset: 'mnist', model: { type: 'cnn', channels: CHANNELS }, epochs, batchSize: BATCH, optimizer: { type: 'Adam', lr: LR } },
    trials: [{ schedule: { type: 'StepLR', step_size: 1000, gamma: 1 }, seed: 1 }],
    onEpoch: (_i, row) => void rows.push(row),
  });
  const wall = (performance.now() - wall0) / 1000;
  return { epochs, trials: 1, cpuSeconds: (cpuNow() - cpu0) / epochs, wallSeconds: wall / epochs, valAcc: rows.at(-1)?.val_acc };
}

/** `trials` same-seed trials as one PackedNet: the epoch loop of blas-cnn-trial.ts, one optimizer per trial. */
async function pack(trials: number, epochs: number): Promise<Omit<Result, 'id'>> {
  await selectBackend('blas');
  const d = await loadDataset('mnist');
  const seed = 1;
  const evalChunk = 256;
  const net = createPackedCnn({ imageShape: d.imageShape!, channels: CHANNELS, classes: d.classes }, trials, mulberry32(deriveSeed(seed, STREAM.init)), evalChunk);
  const optimizers = Array.from({ length: trials }, (_, k) => createBlasOptimizer({ type: 'Adam', lr: LR }, net.params(k).map((p) => p.length)));
  const { train: tr, val, features, classes } = d;
  const x = new Float32Array(BATCH * features);
  const y = new Float32Array(BATCH * classes);
  const losses = new Float64Array(trials);
  const correct = new Float64Array(trials);
  const [wall0, cpu0] = [performance.now(), cpuNow()];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = permutation(tr.size, mulberry32(deriveSeed(seed, STREAM.order, epoch)));
    for (let start = 0; start < tr.size; start += BATCH) {
      const rows = Math.min(BATCH, tr.size - start);
      for (let r = 0; r < rows; r++) {
        const src = order[start + r]!;
        x.set(tr.x.subarray(src * features, (src + 1) * features), r * features);
        y.set(tr.y.subarray(src * classes, (src + 1) * classes), r * classes);
      }
      net.lossAndGrads(x, y, rows, losses);
      optimizers.forEach((o, k) => o.step(net.params(k), net.grads(k), { lr: LR, momentum: null }));
    }
    correct.fill(0);
    const lossSum = new Float64Array(trials);
    for (let start = 0; start < val.size; start += evalChunk) {
      const rows = Math.min(evalChunk, val.size - start);
      net.evaluate(val.x.subarray(start * features), val.y.subarray(start * classes), rows, lossSum, correct);
    }
  }
  const perTrialEpoch = trials * epochs;
  return {
    epochs,
    trials,
    cpuSeconds: (cpuNow() - cpu0) / perTrialEpoch,
    wallSeconds: (performance.now() - wall0) / 1000 / perTrialEpoch,
    valAcc: correct[0]! / val.size,
  };
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Plain PyTorch, one thread; null when /usr/bin/python3 cannot import torch. */
function pytorch(trials: number, epochs: number): Result | null {
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) return null;
  const out = spawnSync(python, [`${repoRoot}scripts/bench-pytorch-cnn.py`], {
    input: JSON.stringify({ trials, epochs, batch_size: BATCH, lr: LR, channels: CHANNELS }),
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    encoding: 'utf8',
    timeout: 900_000,
  });
  const lines = out.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { seconds: number; cpu_seconds: number; val_acc: number });
  if (lines.length === 0) return { id: 'PyTorch loop (1 thread)', error: (out.stderr.trim().split('\n').at(-1) ?? `exit ${out.status}`).slice(0, 120) };
  const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((s, l) => s + f(l), 0);
  return {
    id: 'PyTorch loop (1 thread)',
    epochs,
    trials: lines.length,
    cpuSeconds: sum((l) => l.cpu_seconds) / (lines.length * epochs),
    wallSeconds: sum((l) => l.seconds) / (lines.length * epochs),
    valAcc: lines.at(-1)!.val_acc,
  };
}

/**
 * Where a training step's time goes: each addon call timed in CPU ms per 64-row step
 * (process.cpuUsage around it, averaged over 60 steps; wall time on a busy machine counts other
 * processes' turns), for a pack of 1 and of 12. Products are named by shape, m x n x k.
 */
async function profile(): Promise<string[]> {
  await selectBackend('blas');
  const d = await loadDataset('mnist');
  const addon = blas() as unknown as Record<string, (...a: unknown[]) => void>;
  const times = new Map<string, number>();
  const originals = new Map<string, (...a: unknown[]) => void>();
  for (const name of ['sgemm', 'im2col', 'col2im', 'biasReluPool', 'biasReluPoolBackward']) {
    const f = addon[name]!;
    originals.set(name, f);
    addon[name] = (...a: unknown[]) => {
      const key = name === 'sgemm' ? `sgemm ${a[0] ? 'T' : 'N'}${a[1] ? 'T' : 'N'} ${a[2]}x${a[3]}x${a[4]}` : name;
      const t = cpuNow();
      f(...a);
      times.set(key, (times.get(key) ?? 0) + (cpuNow() - t) * 1000);
    };
  }
  const lines: string[] = [];
  for (const n of [1, PACK]) {
    times.clear();
    const net = createPackedCnn({ imageShape: d.imageShape!, channels: CHANNELS, classes: d.classes }, n, mulberry32(1), BATCH);
    const losses = new Float64Array(n);
    const steps = 60;
    net.lossAndGrads(d.train.x, d.train.y, BATCH, losses); // warm-up
    times.clear();
    const t0 = cpuNow();
    for (let s = 0; s < steps; s++) net.lossAndGrads(d.train.x.subarray(s * BATCH * 784), d.train.y.subarray(s * BATCH * 10), BATCH, losses);
    const total = ((cpuNow() - t0) * 1000) / steps;
    const kernels = [...times.values()].reduce((a, b) => a + b, 0) / steps;
    lines.push(`pack of ${n}: ${total.toFixed(2)} CPU ms a step (${(total / n).toFixed(2)} per trial), of which addon calls ${kernels.toFixed(2)}:`);
    for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) lines.push(`  ${k.padEnd(28)} ${(v / steps).toFixed(3)} ms`);
  }
  originals.forEach((f, name) => (addon[name] = f));
  return lines;
}

const VARIANTS: Record<string, () => Promise<Omit<Result, 'id'>>> = {
  'blas, one trial': () => oneTrial('blas', 3),
  'wasm, one trial': () => oneTrial('wasm', 2),
  [`blas, pack of ${PACK} (same seed)`]: () => pack(PACK, 2),
};
const PROFILE = 'profile';

function child<T>(id: string, failed: (why: string) => T): T {
  const out = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--variant', id], { encoding: 'utf8', timeout: 900_000 });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice(7)) as T;
  return failed((out.stderr.match(/Error[^\n]*/)?.[0] ?? `exit ${out.status}`).slice(0, 120));
}

const fmt = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));

const arg = process.argv.indexOf('--variant');
if (arg >= 0) {
  const id = process.argv[arg + 1]!;
  if (id === PROFILE) {
    console.log('RESULT ' + JSON.stringify(await profile()));
    process.exit(0);
  }
  try {
    console.log('RESULT ' + JSON.stringify({ id, ...(await VARIANTS[id]!()) }));
  } catch (err) {
    console.log('RESULT ' + JSON.stringify({ id, error: (err as Error).message.slice(0, 160) }));
  }
  process.exit(0);
} else {
  const results = Object.keys(VARIANTS).map((id) => (process.stderr.write(`running ${id}...\n`), child<Result>(id, (error) => ({ id, error }))));
  process.stderr.write('running PyTorch...\n');
  const torch = pytorch(2, 2);
  if (torch) results.push(torch);
  const reference = torch?.cpuSeconds;
  console.log(`\nMNIST CNN [${CHANNELS.join(', ')}], batch ${BATCH}, Adam lr ${LR}; per trial-epoch (8,000 train + 2,000 val digits)`);
  console.log('variant                          trials x epochs   cpu s   wall s   val_acc   cpu vs PyTorch');
  for (const r of results) {
    console.log(
      [
        r.id.padEnd(32),
        (r.trials === undefined ? '-' : `${r.trials} x ${r.epochs}`).padStart(15),
        fmt(r.cpuSeconds, 3).padStart(7),
        fmt(r.wallSeconds, 3).padStart(8),
        fmt(r.valAcc, 3).padStart(9),
        (reference && r.cpuSeconds ? `${(r.cpuSeconds / reference).toFixed(2)}x` : '-').padStart(16),
        r.error ? `  ${r.error}` : '',
      ].join(' '),
    );
  }
  if (!torch) console.log('PyTorch: skipped, /usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch)');
  const packed = results.find((r) => r.id.includes('pack'))?.cpuSeconds;
  if (packed && reference) {
    const sweep = (s: number) => (s * PACK * SWEEP_EPOCHS).toFixed(1);
    console.log(`A ${PACK}-trial ${SWEEP_EPOCHS}-epoch sweep, CPU s: packed blas ${sweep(packed)}, PyTorch loop ${sweep(reference)} (${(packed / reference).toFixed(2)}x)`);
  }
  process.stderr.write('profiling a step...\n');
  console.log('\nWhere a blas step goes (forward + backward, no optimizer), CPU ms:');
  console.log(child<string[]>(PROFILE, (why) => [why]).join('\n'));
}
