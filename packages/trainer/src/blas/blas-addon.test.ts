import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng.ts';
import { loadBlasAddon, openblasCoreType, type BlasAddon } from './blas-addon.ts';

let addon: BlasAddon;
beforeAll(() => {
  addon = loadBlasAddon();
});

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

describe('sgemm', () => {
  // [m, n, k, transA, transB, alpha, beta, padding of each leading dimension]
  const shapes: [number, number, number, boolean, boolean, number, number, number][] = [
    [1, 1, 1, false, false, 1, 0, 0],
    [3, 5, 7, false, false, 1, 0, 0],
    [64, 128, 784, false, false, 1, 1, 0], // the MNIST forward product, bias in C
    [784, 128, 64, true, false, 1, 0, 0], // its weight gradient
    [64, 784, 128, false, true, 1, 0, 0], // its input gradient
    [17, 9, 33, true, true, -0.5, 2, 0],
    [6, 4, 5, false, false, 1.5, 0.25, 3], // leading dimensions wider than the rows
    [5, 6, 4, true, true, 1, 0, 2],
  ];
  it.each(shapes)('m=%i n=%i k=%i transA=%s transB=%s matches a float64 reference', (m, n, k, ta, tb, alpha, beta, pad) => {
    const lda = (ta ? m : k) + pad;
    const ldb = (tb ? k : n) + pad;
    const ldc = n + pad;
    const a = random((ta ? k : m) * lda, 1);
    const b = random((tb ? n : k) * ldb, 2);
    const c = random(m * ldc, 3);
    const want = reference(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    addon.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    expect(maxRelError(c, want)).toBeLessThan(1e-5 * Math.sqrt(k));
  });

  it('reads and writes through subarray views at their offsets', () => {
    const a = random(10 + 6, 4);
    const b = random(6, 5);
    const c = new Float32Array(8).fill(7);
    addon.sgemm(false, false, 2, 2, 3, 1, a.subarray(10), 3, b, 2, 0, c.subarray(4), 2);
    const want = reference(false, false, 2, 2, 3, 1, a.subarray(10), 3, b, 2, 0, new Float32Array(4), 2);
    expect(Array.from(c.subarray(0, 4))).toEqual([7, 7, 7, 7]);
    expect(maxRelError(c.subarray(4), want)).toBeLessThan(1e-6);
  });

  it('refuses matrices that do not fit their arrays instead of touching memory outside them', () => {
    const small = new Float32Array(5);
    const ok = new Float32Array(6);
    expect(() => addon.sgemm(false, false, 2, 3, 3, 1, small, 3, new Float32Array(9), 3, 0, ok, 3)).toThrow(RangeError);
    expect(() => addon.sgemm(false, false, 2, 3, 3, 1, ok, 3, new Float32Array(9), 3, 0, small, 3)).toThrow(/needs 6 floats/);
    expect(() => addon.sgemm(false, false, 2, 3, 3, 1, ok, 2, new Float32Array(9), 3, 0, ok, 3)).toThrow(/leading dimension/);
    expect(() => addon.sgemm(false, false, 2, 3, 3, 1, [1] as unknown as Float32Array, 3, ok, 3, 0, ok, 3)).toThrow(TypeError);
  });
});

describe('sgemmBatch', () => {
  it('runs one product per stacked matrix, as packed trials will', () => {
    const [m, n, k, count] = [4, 3, 5, 3];
    const a = random(count * m * k, 6);
    const b = random(count * k * n, 7);
    const c = new Float32Array(count * m * n);
    addon.sgemmBatch(false, false, m, n, k, 1, a, k, m * k, b, n, k * n, 0, c, n, m * n, count);
    for (let i = 0; i < count; i++) {
      const want = reference(false, false, m, n, k, 1, a.subarray(i * m * k), k, b.subarray(i * k * n), n, 0, new Float32Array(m * n), n);
      expect(maxRelError(c.subarray(i * m * n, (i + 1) * m * n), want)).toBeLessThan(1e-6);
    }
    // Stride 0 shares one operand (the same batch for every trial).
    const shared = new Float32Array(count * m * n);
    addon.sgemmBatch(false, false, m, n, k, 1, a, k, 0, b, n, k * n, 0, shared, n, m * n, count);
    const want = reference(false, false, m, n, k, 1, a, k, b.subarray(2 * k * n), n, 0, new Float32Array(m * n), n);
    expect(maxRelError(shared.subarray(2 * m * n), want)).toBeLessThan(1e-6);
    expect(() => addon.sgemmBatch(false, false, m, n, k, 1, a, k, m * k, b, n, k * n, 0, c, n, m * n, count + 1)).toThrow(RangeError);
  });
});

describe('threads and kernels', () => {
  it('runs one OpenBLAS thread by default (one worker per core) and can be told otherwise', () => {
    if (process.env.OPENBLAS_NUM_THREADS === undefined) expect(addon.numThreads()).toBe(1);
    addon.setNumThreads(2);
    expect(addon.numThreads()).toBe(2);
    addon.setNumThreads(1);
    expect(addon.numThreads()).toBe(1);
    expect(addon.config()).toMatch(/OpenBLAS \d+\.\d+\.\d+/);
  });

  it('names the OpenBLAS kernel family from CPU flags', () => {
    const avx512 = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd', 'avx2', 'fma', 'avx'];
    expect(openblasCoreType(new Set(avx512))).toBe('SkylakeX');
    expect(openblasCoreType(new Set(['avx2', 'fma', 'avx', 'avx512f']))).toBe('Haswell');
    expect(openblasCoreType(new Set(['avx', 'sse4_2']))).toBe('Sandybridge');
    expect(openblasCoreType(new Set(['sse2']))).toBeNull();
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
