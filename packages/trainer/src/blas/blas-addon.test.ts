import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng.ts';
import { loadBlasAddon, type BlasAddon } from './blas-addon.ts';
import { loadOpenblasReference } from './openblas-reference.ts';

const addon = loadBlasAddon();
const best = addon.kernels();
// Every kernel path this CPU can run, so one machine checks them all (an AVX-512 host runs the
// AVX2 and portable ones too), and OpenBLAS where its reference addon was built.
const runnable = ['avx512', 'avx2', 'portable'].filter((k) => addon.useKernels(k));
addon.useKernels(best);
const openblas = loadOpenblasReference();
interface Sgemms {
  name: string;
  sgemm: BlasAddon['sgemm'];
  sgemmBatch: BlasAddon['sgemmBatch'];
  use: () => void;
}
const implementations: Sgemms[] = [
  ...runnable.map((k) => ({ name: `built-in ${k}`, sgemm: addon.sgemm, sgemmBatch: addon.sgemmBatch, use: () => void addon.useKernels(k) })),
  ...(openblas ? [{ name: 'OpenBLAS reference', sgemm: openblas.sgemm, sgemmBatch: openblas.sgemmBatch, use: () => {} }] : []),
];

const random = (n: number, seed: number) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
};

/** C = alpha * op(A) @ op(B) + beta * C in doubles, row-major with leading dimensions. */
function reference(
  ta: boolean, tb: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
): Float64Array {
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[ta ? p * lda + i : i * lda + p]! * b[tb ? j * ldb + p : p * ldb + j]!;
      out[i * ldc + j] = alpha * sum + beta * c[i * ldc + j]!;
    }
  }
  return out;
}

function maxRelError(got: Float32Array, want: Float64Array): number {
  let worst = 0;
  want.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[i]! - w) / (1 + Math.abs(w)))));
  return worst;
}

describe.each(implementations)('sgemm ($name)', ({ sgemm, sgemmBatch, use }) => {
  beforeAll(use);
  afterAll(() => void addon.useKernels(best));
  // [m, n, k, transA, transB, alpha, beta, padding of each leading dimension]
  const shapes: [number, number, number, boolean, boolean, number, number, number][] = [
    [1, 1, 1, false, false, 1, 0, 0],
    [3, 5, 7, false, false, 1, 0, 0],
    // Every product of an MNIST MLP [128] step (batch 64): forward with the bias rows in C,
    [64, 128, 784, false, false, 1, 1, 0],
    [64, 10, 128, false, false, 1, 1, 0],
    // weight gradients (input^T @ delta), bias gradients (ones^T @ delta), the input gradient of layer 2,
    [784, 128, 64, true, false, 1, 0, 0],
    [128, 10, 64, true, false, 1, 0, 0],
    [1, 128, 64, false, false, 1, 0, 0],
    [1, 10, 64, false, false, 1, 0, 0],
    [64, 128, 10, false, true, 1, 0, 0],
    [64, 784, 128, false, true, 1, 0, 0], // and a first layer's input gradient, for deeper nets
    // evaluation chunks of 1024 rows and the last one of the 2,000 val rows,
    [1024, 128, 784, false, false, 1, 1, 0],
    [976, 10, 128, false, false, 1, 1, 0],
    // spirals [32, 32] with its short last batch (720 = 22 x 32 + 16),
    [16, 32, 2, false, false, 1, 1, 0],
    [32, 32, 16, true, false, 1, 0, 0],
    [16, 32, 32, false, true, 1, 0, 0],
    // packed trials side by side (3 x 128 columns), more rows than one A block, more columns
    // than one B block, and ragged edges in every dimension,
    [64, 384, 784, false, false, 1, 1, 0],
    [300, 40, 20, false, false, 1, 0, 0],
    [9, 4100, 50, false, false, 1, 0, 0],
    [17, 9, 33, true, true, -0.5, 2, 0],
    [23, 47, 301, true, false, 0.75, -1, 0],
    [6, 4, 5, false, false, 1.5, 0.25, 3], // leading dimensions wider than the rows
    [5, 6, 4, true, true, 1, 0, 2],
    [13, 35, 19, false, true, 1, 1, 5],
  ];
  it.each(shapes)('m=%i n=%i k=%i transA=%s transB=%s matches a float64 reference', (m, n, k, ta, tb, alpha, beta, pad) => {
    const lda = (ta ? m : k) + pad;
    const ldb = (tb ? k : n) + pad;
    const ldc = n + pad;
    const a = random((ta ? k : m) * lda, 1);
    const b = random((tb ? n : k) * ldb, 2);
    const c = random(m * ldc, 3);
    const want = reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    expect(maxRelError(c, want)).toBeLessThan(1e-5 * Math.sqrt(k));
  });

  it('with beta = 0 never reads C (NaN there is overwritten); with k = 0 only scales C by beta', () => {
    const c = new Float32Array(6).fill(NaN);
    sgemm(false, false, 2, 3, 1, 1, Float32Array.of(1, 2), 1, Float32Array.of(1, 2, 3), 3, 0, c, 3);
    expect(Array.from(c)).toEqual([1, 2, 3, 2, 4, 6]);
    const d = Float32Array.of(1, 2, 3, 4);
    sgemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0.5, d, 2);
    expect(Array.from(d)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('reads and writes through subarray views at their offsets', () => {
    const a = random(10 + 6, 4);
    const b = random(6, 5);
    const c = new Float32Array(8).fill(7);
    sgemm(false, false, 2, 2, 3, 1, a.subarray(10), 3, b, 2, 0, c.subarray(4), 2);
    const want = reference(false, false, 2, 2, 3, 1, a.subarray(10), 3, b, 2, 0, new Float32Array(4), 2);
    expect(Array.from(c.subarray(0, 4))).toEqual([7, 7, 7, 7]);
    expect(maxRelError(c.subarray(4), want)).toBeLessThan(1e-6);
  });

  it('refuses matrices that do not fit their arrays instead of touching memory outside them', () => {
    const small = new Float32Array(5);
    const ok = new Float32Array(6);
    expect(() => sgemm(false, false, 2, 3, 3, 1, small, 3, new Float32Array(9), 3, 0, ok, 3)).toThrow(RangeError);
    expect(() => sgemm(false, false, 2, 3, 3, 1, ok, 3, new Float32Array(9), 3, 0, small, 3)).toThrow(/needs 6 floats/);
    expect(() => sgemm(false, false, 2, 3, 3, 1, ok, 2, new Float32Array(9), 3, 0, ok, 3)).toThrow(/leading dimension/);
    expect(() => sgemm(false, false, 2, 3, 3, 1, [1] as unknown as Float32Array, 3, ok, 3, 0, ok, 3)).toThrow(TypeError);
  });

  it('runs one product per stacked matrix, as packed trials will', () => {
    const [m, n, k, count] = [4, 3, 5, 3];
    const a = random(count * m * k, 6);
    const b = random(count * k * n, 7);
    const c = new Float32Array(count * m * n);
    sgemmBatch(false, false, m, n, k, 1, a, k, m * k, b, n, k * n, 0, c, n, m * n, count);
    for (let i = 0; i < count; i++) {
      const want = reference(false, false, m, n, k, 1, a.subarray(i * m * k), k, b.subarray(i * k * n), n, 0, new Float32Array(m * n), n);
      expect(maxRelError(c.subarray(i * m * n, (i + 1) * m * n), want)).toBeLessThan(1e-6);
    }
    // Stride 0 shares one operand (the same batch for every trial).
    const shared = new Float32Array(count * m * n);
    sgemmBatch(false, false, m, n, k, 1, a, k, 0, b, n, k * n, 0, shared, n, m * n, count);
    const want = reference(false, false, m, n, k, 1, a, k, b.subarray(2 * k * n), n, 0, new Float32Array(m * n), n);
    expect(maxRelError(shared.subarray(2 * m * n), want)).toBeLessThan(1e-6);
    expect(() => sgemmBatch(false, false, m, n, k, 1, a, k, m * k, b, n, k * n, 0, c, n, m * n, count + 1)).toThrow(RangeError);
  });

  // A shared by every product (stride 0) is packed once for the batch: the packed first layer's
  // forward (X @ W_t) and weight gradient (X^T @ dZ_t), then several A blocks in each dimension,
  // a scaled C, padded leading dimensions and strides longer than a matrix.
  const sharedShapes: [number, number, number, boolean, boolean, number, number, number][] = [
    [64, 128, 784, false, false, 1, 1, 0],
    [784, 128, 64, true, false, 1, 0, 0],
    [300, 40, 530, false, true, 0.75, -1, 3],
    [130, 33, 17, true, true, 1, 0.5, 1],
  ];
  it.each(sharedShapes)('a batch sharing A (m=%i n=%i k=%i transA=%s transB=%s) equals one product per matrix, bit for bit', (m, n, k, ta, tb, alpha, beta, pad) => {
    const count = 3;
    const [lda, ldb, ldc] = [(ta ? m : k) + pad, (tb ? k : n) + pad, n + pad];
    const [strideB, strideC] = [(tb ? n : k) * ldb + 7, m * ldc + 5];
    const a = random((ta ? k : m) * lda, 8);
    const b = random(count * strideB, 9);
    const c = random(count * strideC, 10);
    const one = Float32Array.from(c);
    sgemmBatch(ta, tb, m, n, k, alpha, a, lda, 0, b, ldb, strideB, beta, c, ldc, strideC, count);
    for (let t = 0; t < count; t++) {
      const [bt, ct] = [b.subarray(t * strideB), one.subarray(t * strideC, (t + 1) * strideC)];
      const want = reference(ta, tb, m, n, k, alpha, a, lda, bt, ldb, beta, ct, ldc);
      sgemm(ta, tb, m, n, k, alpha, a, lda, bt, ldb, beta, ct, ldc);
      expect(maxRelError(c.subarray(t * strideC, t * strideC + m * ldc), want.subarray(0, m * ldc))).toBeLessThan(1e-5 * Math.sqrt(k));
    }
    expect(c).toEqual(one); // also the gaps between the matrices, untouched
  });
});

describe('kernels', () => {
  it('are the best this CPU runs, chosen at load from its flags', () => {
    const flags = new Set(existsSync('/proc/cpuinfo') ? (readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/) : []);
    const expected = process.arch !== 'x64' ? 'portable' : flags.has('avx512f') ? 'avx512' : flags.has('avx2') && flags.has('fma') ? 'avx2' : 'portable';
    expect(best).toBe(expected);
    expect(runnable).toContain('portable');
  });

  it('refuses names it does not know, keeping the current ones', () => {
    expect(addon.useKernels('sse9')).toBe(false);
    expect(addon.kernels()).toBe(best);
  });
});

describe('argument checks', () => {
  it('refuses non-numeric scalars and optimizer arrays of different lengths', () => {
    const x = new Float32Array(4);
    expect(() => addon.sgemm(false, false, 2, 2, 2, 'a' as unknown as number, x, 2, x, 2, 0, new Float32Array(4), 2)).toThrow(/argument 5 must be a number/);
    expect(() => addon.sgdStep(x, x, x, undefined as unknown as number, 0.9, 0, false, false)).toThrow(TypeError);
    expect(() => addon.sgdStep(x, new Float32Array(3), x, 0.1, 0.9, 0, false, false)).toThrow(/same length/);
    expect(() => addon.adamStep(x, x, x, new Float32Array(5), 0.1, 0.9, 0.999, 1, 1e-8, 1, 0)).toThrow(/same length/);
  });
});
