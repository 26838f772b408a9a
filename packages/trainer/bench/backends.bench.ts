// Compares the training backends that load on this machine (blas and the tfjs ones): raw
// matmul throughput and one real MNIST MLP trial. Each variant runs in its own child process,
// because tfjs backends and wasm flags are process-global and only
// take effect before the first initialisation. Then, on blas, packed vs one by one
// (`npm run bench:pack`). `npm run bench:sgemm` compares the blas backend's sgemm kernels with
// OpenBLAS.
//   npm run bench -w @lrsweep/trainer        (or: npx tsx bench/backends.bench.ts)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendOptions } from '../src/backends/select-backend.ts';
import { blas } from '../src/blas/blas-addon.ts';
import { loadDataset, selectBackend, train, type EpochRow } from '../src/index.ts';

interface Variant {
  id: string;
  backend: string;
  /** Epochs actually run; the trial time is extrapolated to TRIAL_EPOCHS when fewer. */
  epochs: number;
  setup?: () => void;
  options?: BackendOptions;
}

const TRIAL_EPOCHS = 10;
const VARIANTS: Variant[] = [
  { id: 'tensorflow-gpu', backend: 'tensorflow-gpu', epochs: TRIAL_EPOCHS },
  { id: 'tensorflow', backend: 'tensorflow', epochs: TRIAL_EPOCHS },
  { id: 'blas (built-in kernels)', backend: 'blas', epochs: TRIAL_EPOCHS },
  { id: 'wasm (simd, 1 thread)', backend: 'wasm', epochs: TRIAL_EPOCHS },
  { id: 'wasm (no simd)', backend: 'wasm', epochs: 2, setup: () => tf.env().set('WASM_HAS_SIMD_SUPPORT', false) },
  {
    id: 'wasm (simd, 2 threads)',
    backend: 'wasm',
    epochs: 2,
    // Node has no threaded-wasm detection; forcing the flag makes tfjs try the pthreads build.
    setup: () => (tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true), setThreadsCount(2)),
  },
  { id: 'cpu (pure JS)', backend: 'cpu', epochs: 1 },
];

interface Result {
  id: string;
  version?: string;
  gflops?: number;
  secondsPerEpoch?: number;
  /** Wall time of the whole train() call, data already loaded; only when all epochs ran. */
  trialSeconds?: number;
  /**
   * CPU seconds (user + system, all threads) of that call: on a shared 2-core machine wall
   * time depends on what else runs, CPU time much less.
   */
  trialCpuSeconds?: number;
  epochsRun?: number;
  valAcc?: number;
  error?: string;
}

async function matmulGflops(): Promise<number> {
  const n = 1024;
  const [a, b] = [tf.randomNormal([n, n]), tf.randomNormal([n, n])];
  const once = async () => {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    return (performance.now() - t0) / 1000;
  };
  await once(); // warm-up: kernel compilation, allocator
  let best = Infinity;
  let total = 0;
  for (let i = 0; i < 5 && total < 20; i++) {
    const s = await once();
    best = Math.min(best, s);
    total += s;
  }
  a.dispose();
  b.dispose();
  return (2 * n ** 3) / best / 1e9;
}

/** The blas backend's products do not go through tfjs: time the addon's sgemm itself. */
function sgemmGflops(): number {
  const n = 1024;
  const [a, b, c] = [new Float32Array(n * n).fill(0.5), new Float32Array(n * n).fill(0.25), new Float32Array(n * n)];
  const once = () => {
    const t0 = performance.now();
    blas().sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    return (performance.now() - t0) / 1000;
  };
  once();
  let best = Infinity;
  for (let i = 0; i < 5; i++) best = Math.min(best, once());
  return (2 * n ** 3) / best / 1e9;
}

async function runVariant(v: Variant): Promise<Result> {
  v.setup?.();
  const info = await selectBackend(v.backend, v.options);
  const gflops = v.backend === 'blas' ? sgemmGflops() : await matmulGflops();
  const rows: EpochRow[] = [];
  await loadDataset('mnist');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await train({
    task: {
      dataset: 'mnist',
      model: { type: 'mlp', hidden: [128] },
      epochs: v.epochs,
      batchSize: 64,
      optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9 },
    },
    trials: [{ schedule: { type: 'StepLR', step_size: 1000, gamma: 1 }, seed: 1 }],
    onEpoch: (_i, row) => void rows.push(row),
  });
  const complete = rows.length === TRIAL_EPOCHS;
  const cpu = process.cpuUsage(cpu0);
  const trialSeconds = complete ? (performance.now() - t0) / 1000 : undefined;
  const trialCpuSeconds = complete ? (cpu.user + cpu.system) / 1e6 : undefined;
  // Epoch 0 includes uploading the data and the first kernel calls; report the steady state
  // when there is one.
  const steady = rows.length > 1 ? rows.slice(1) : rows;
  const secondsPerEpoch = steady.reduce((s, r) => s + r.seconds, 0) / steady.length;
  return { id: v.id, version: info.version, gflops, secondsPerEpoch, trialSeconds, trialCpuSeconds, epochsRun: rows.length, valAcc: rows.at(-1)?.val_acc };
}

function child(v: Variant): Result {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, [...process.execArgv, self, '--variant', v.id], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line) return JSON.parse(line.slice(7)) as Result;
  const why = (out.stderr.match(/BackendUnavailableError[^\n]*|Error[^\n]*/)?.[0] ?? `exit ${out.status}`).slice(0, 120);
  return { id: v.id, error: why };
}

const fmt = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));

const arg = process.argv.indexOf('--variant');
if (arg >= 0) {
  const v = VARIANTS.find((x) => x.id === process.argv[arg + 1])!;
  try {
    console.log('RESULT ' + JSON.stringify(await runVariant(v)));
  } catch (err) {
    console.log('RESULT ' + JSON.stringify({ id: v.id, error: (err as Error).message.slice(0, 160) }));
  }
  process.exit(0);
} else {
  const results = VARIANTS.map((v) => {
    process.stderr.write(`running ${v.id}...\n`);
    return child(v);
  });
  console.log('\nMNIST MLP [128], batch 64, SGD momentum 0.9; 1024x1024 matmul (best of up to 5)');
  console.log('s/trial: 10 x the steady s/epoch; measured / cpu: wall and CPU seconds of the whole 10-epoch train() call');
  console.log('backend                      version   GFLOP/s   s/epoch   s/trial(10 ep)   measured   cpu s   val_acc   note');
  for (const r of results) {
    const perTrial = r.secondsPerEpoch === undefined ? undefined : r.secondsPerEpoch * TRIAL_EPOCHS;
    const note = r.error ?? (r.epochsRun! < TRIAL_EPOCHS ? `ran ${r.epochsRun} epoch(s), trial extrapolated` : '');
    console.log(
      [
        r.id.padEnd(28),
        (r.version ?? '-').padEnd(9),
        fmt(r.gflops, 2).padStart(7),
        fmt(r.secondsPerEpoch, 3).padStart(9),
        fmt(perTrial, 2).padStart(16),
        fmt(r.trialSeconds, 2).padStart(10),
        fmt(r.trialCpuSeconds, 2).padStart(7),
        fmt(r.valAcc, 3).padStart(9),
        '  ' + note,
      ].join(' '),
    );
  }
  // Packed vs one by one on blas (bench/pack.bench.ts), in its own process like the variants.
  if (results.some((r) => r.id.startsWith('blas') && !r.error)) {
    console.log('');
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(new URL('./pack.bench.ts', import.meta.url))], { stdio: 'inherit', timeout: 900_000 });
  }
}
