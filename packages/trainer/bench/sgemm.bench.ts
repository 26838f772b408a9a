// The built-in sgemm kernels against OpenBLAS (with its best kernels for this CPU, one thread)
// in the same run, for the products the MLP trains with:
//   npm run bench:sgemm -w @lrsweep/trainer        (or: npx tsx bench/sgemm.bench.ts)
// Rounds alternate between implementations and each keeps its best, so load from other
// processes hits them alike. GFLOP/s are per CPU-second of this process (user + system), which
// a shared machine disturbs far less than wall time; the wall figure is printed beside it.
import { loadBlasAddon, type BlasAddon } from '../src/blas/blas-addon.ts';
import { loadOpenblasReference } from '../src/blas/openblas-reference.ts';
import { mulberry32 } from '../src/rng.ts';

interface Shape {
  what: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** Part of one MNIST MLP [128] training step (batch 64), for the step's total. */
  step: boolean;
}

const SHAPES: Shape[] = [
  { what: 'layer 1 forward X@W', m: 64, n: 128, k: 784, transA: false, transB: false, step: true },
  { what: 'layer 1 dW = X^T@dY', m: 784, n: 128, k: 64, transA: true, transB: false, step: true },
  { what: 'layer 2 forward', m: 64, n: 10, k: 128, transA: false, transB: false, step: true },
  { what: 'layer 2 dW', m: 128, n: 10, k: 64, transA: true, transB: false, step: true },
  { what: 'layer 2 dX = dY@W^T', m: 64, n: 128, k: 10, transA: false, transB: true, step: true },
  { what: 'dX of a 784-wide layer', m: 64, n: 784, k: 128, transA: false, transB: true, step: false },
  { what: '36 trials packed, forward', m: 64, n: 128 * 36, k: 784, transA: false, transB: false, step: false },
  { what: 'square 1024', m: 1024, n: 1024, k: 1024, transA: false, transB: false, step: false },
];

interface Impl {
  name: string;
  sgemm: BlasAddon['sgemm'];
  use: () => void;
}

const addon = loadBlasAddon();
const best = addon.kernels();
const impls: Impl[] = ['avx512', 'avx2', 'portable']
  .filter((k) => addon.useKernels(k))
  .map((k) => ({ name: `built-in ${k}`, sgemm: addon.sgemm, use: () => void addon.useKernels(k) }));
addon.useKernels(best);
const openblas = loadOpenblasReference();
if (openblas) impls.push({ name: 'OpenBLAS', sgemm: openblas.sgemm, use: () => void addon.useKernels(best) });

const random = (n: number, seed: number) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() - 0.5);
};
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Best CPU and wall seconds per product of each implementation, over alternating rounds. */
function measure(s: Shape): { cpu: number; wall: number }[] {
  const a = random(s.m * s.k, 1);
  const b = random(s.k * s.n, 2);
  const c = new Float32Array(s.m * s.n);
  const [lda, ldb] = [s.transA ? s.m : s.k, s.transB ? s.k : s.n];
  const flop = 2 * s.m * s.n * s.k;
  const reps = Math.max(1, Math.round(2e8 / flop)); // ~2-5 ms of work per timing
  const bestOf = impls.map(() => ({ cpu: Infinity, wall: Infinity }));
  for (let round = 0; round < 25; round++) {
    impls.forEach((impl, i) => {
      impl.use();
      impl.sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n); // warm caches and buffers
      const [c0, w0] = [cpuSeconds(), performance.now()];
      for (let r = 0; r < reps; r++) impl.sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n);
      const [cpu, wall] = [(cpuSeconds() - c0) / reps, (performance.now() - w0) / 1000 / reps];
      bestOf[i] = { cpu: Math.min(bestOf[i]!.cpu, cpu), wall: Math.min(bestOf[i]!.wall, wall) };
    });
  }
  addon.useKernels(best);
  return bestOf;
}

const gflops = (s: Shape, seconds: number) => (2 * s.m * s.n * s.k) / seconds / 1e9;
console.log(`sgemm, single-threaded. Built-in kernels picked for this CPU: ${best}. Reference: ${openblas ? openblas.kernels() + `, OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}` : 'not built (no OpenBLAS headers at install)'}`);
console.log('GFLOP/s per CPU-second (per wall-second in brackets); ratio = built-in / OpenBLAS per CPU-second\n');
console.log(['product'.padEnd(28), 'm x n x k'.padEnd(16), 'op'.padEnd(3), ...impls.map((i) => i.name.padStart(18)), ...(openblas ? impls.slice(0, -1).map((i) => `${i.name.replace('built-in ', '')}/OB`.padStart(12)) : [])].join(' '));
const stepSeconds = impls.map(() => 0);
for (const s of SHAPES) {
  const times = measure(s);
  if (s.step) times.forEach((t, i) => (stepSeconds[i] = stepSeconds[i]! + t.cpu));
  const ob = openblas ? times.at(-1)!.cpu : undefined;
  console.log(
    [
      s.what.padEnd(28),
      `${s.m}x${s.n}x${s.k}`.padEnd(16),
      `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}`.padEnd(3),
      ...times.map((t) => `${gflops(s, t.cpu).toFixed(1)} (${gflops(s, t.wall).toFixed(1)})`.padStart(18)),
      ...(ob === undefined ? [] : times.slice(0, -1).map((t) => (ob / t.cpu).toFixed(2).padStart(12))),
    ].join(' '),
  );
}
console.log(`\none training step's products (the first five rows): ${impls.map((impl, i) => `${impl.name} ${(stepSeconds[i]! * 1e6).toFixed(0)} us`).join(', ')}`);
