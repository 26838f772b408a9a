import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng.ts';
import { loadBlasAddon } from './blas-addon.ts';

// The addon's functions the packed MLP calls besides sgemm/sgemmBatch (blas-addon.test.ts):
// the row-indexed products of the first layer, and the elementwise loops, against plain
// float64 references.
const addon = loadBlasAddon();
const best = addon.kernels();
const runnable = ['avx512', 'avx2', 'portable'].filter((k) => addon.useKernels(k));
addon.useKernels(best);

const random = (n: number, seed: number, zeroEvery = 0) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) => (zeroEvery && i % zeroEvery === 0 ? 0 : rand() * 2 - 1));
};

/** op(A) @ B in doubles; A is m x k (or k x m when transposed), B is k x n, row-major. */
function product(ta: boolean, m: number, n: number, k: number, a: Float32Array, lda: number, b: Float32Array, ldb: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[ta ? p * lda + i : i * lda + p]! * b[p * ldb + j]!;
      out[i * n + j] = sum;
    }
  }
  return out;
}

const close = (got: number, want: number, k: number) => Math.abs(got - want) <= 1e-5 * Math.sqrt(k) * (1 + Math.abs(want));

describe.each(runnable)('sgemmRows on the %s kernels', (kernels) => {
  afterAll(() => void addon.useKernels(best));
  // A batch whose columns 0, 3, 4, ... are 0 in every row, as MNIST's border pixels are.
  const [rows, features, out, count] = [37, 50, 40, 3];
  const x = random(rows * features, 1);
  const zero = (p: number) => p % 3 === 0 || p === 4;
  for (let r = 0; r < rows; r++) for (let p = 0; p < features; p++) if (zero(p)) x[r * features + p] = 0;
  const w = random(count * features * out, 2);
  const dz = random(count * rows * out, 3);

  it('finds the nonzero columns and packs the batch down to them', () => {
    addon.useKernels(kernels);
    const columns = new Int32Array(features);
    const compact = new Float32Array(rows * features).fill(NaN);
    const nz = addon.nonzeroColumns(x, rows, features, columns, compact);
    const want = Array.from({ length: features }, (_, p) => p).filter((p) => !zero(p));
    expect(nz).toBe(want.length);
    expect(Array.from(columns.subarray(0, nz))).toEqual(want);
    for (let r = 0; r < rows; r++) want.forEach((p, j) => expect(compact[r * nz + j]).toBe(x[r * features + p]));
  });

  it('forward over the nonzero columns equals the full product (the bias rows in C, beta = 1)', () => {
    addon.useKernels(kernels);
    const columns = new Int32Array(features);
    const compact = new Float32Array(rows * features);
    const nz = addon.nonzeroColumns(x, rows, features, columns, compact);
    const bias = random(count * rows * out, 4);
    const z = Float32Array.from(bias);
    addon.sgemmRows(false, rows, out, nz, 1, compact, nz, w, out, features, features * out, columns, 1, z, out, rows, rows * out, null, count);
    for (let t = 0; t < count; t++) {
      const want = product(false, rows, out, features, x, features, w.subarray(t * features * out), out);
      want.forEach((v, i) => expect(close(z[t * rows * out + i]!, v + bias[t * rows * out + i]!, features)).toBe(true));
    }
  });

  it('the weight gradient over the nonzero columns equals the full one, the other rows 0', () => {
    addon.useKernels(kernels);
    const columns = new Int32Array(features);
    const compact = new Float32Array(rows * features);
    const nz = addon.nonzeroColumns(x, rows, features, columns, compact);
    const g = new Float32Array(count * features * out).fill(NaN); // every row written, none read
    addon.sgemmRows(true, nz, out, rows, 1, compact, nz, dz, out, rows, rows * out, null, 0, g, out, features, features * out, columns, count);
    for (let t = 0; t < count; t++) {
      const want = product(true, features, out, rows, x, features, dz.subarray(t * rows * out), out);
      want.forEach((v, i) => expect(close(g[t * features * out + i]!, v, rows)).toBe(true));
    }
  });

  it('accumulates through several K blocks when C rows are indexed (k > 256)', () => {
    addon.useKernels(kernels);
    const [m, n, k] = [20, 33, 600];
    const a = random(k * m, 5);
    const b = random(k * n, 6);
    const rowsOfC = Int32Array.from({ length: m }, (_, i) => 2 * i + 1);
    const c = new Float32Array(2 * m * n).fill(7);
    addon.sgemmRows(true, m, n, k, 0.5, a, m, b, n, k, 0, null, 0, c, n, 2 * m, 0, rowsOfC, 1);
    const want = product(true, m, n, k, a, m, b, n);
    for (let i = 0; i < 2 * m; i++) {
      for (let j = 0; j < n; j++) {
        const got = c[i * n + j]!;
        if (i % 2 === 0) expect(got).toBe(0);
        else expect(close(got, 0.5 * want[((i - 1) / 2) * n + j]!, k)).toBe(true);
      }
    }
  });
});

describe('sgemmRows refuses bad indices instead of reading outside B or C', () => {
  const a = new Float32Array(4);
  const b = new Float32Array(8);
  const c = new Float32Array(8);
  it('indices out of range, not increasing, or C rows with beta != 0', () => {
    expect(() => addon.sgemmRows(false, 2, 2, 2, 1, a, 2, b, 2, 4, 0, Int32Array.of(0, 4), 0, c, 2, 2, 0, null, 1)).toThrow(/below 4/);
    expect(() => addon.sgemmRows(false, 2, 2, 2, 1, a, 2, b, 2, 4, 0, Int32Array.of(1, 1), 0, c, 2, 2, 0, null, 1)).toThrow(/increase/);
    expect(() => addon.sgemmRows(true, 2, 2, 2, 1, a, 2, b, 2, 2, 0, null, 1, c, 2, 4, 0, Int32Array.of(0, 3), 1)).toThrow(/beta = 0/);
    expect(() => addon.sgemmRows(false, 2, 2, 2, 1, a, 2, b, 2, 5, 0, Int32Array.of(0, 4), 0, c, 2, 2, 0, null, 1)).toThrow(/needs 10 floats/);
  });
});

describe('the elementwise loops of a pack', () => {
  it('broadcastRows copies trial t bias row into every row of its block', () => {
    const bias = Float32Array.of(1, 2, 3, 4, 5, 6); // 2 trials x 3
    const z = new Float32Array(2 * 2 * 3);
    addon.broadcastRows(z, bias, 2, 3, 2);
    expect(Array.from(z)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  });

  it('gatherRows copies the rows an epoch order lists, from an offset, and refuses rows outside src', () => {
    const src = Float32Array.of(0, 0.5, 1, 1.5, 2, 2.5); // 3 rows x 2
    const dst = new Float32Array(4);
    addon.gatherRows(dst, src, Int32Array.of(9, 2, 0), 1, 2, 2);
    expect(Array.from(dst)).toEqual([2, 2.5, 0, 0.5]);
    expect(() => addon.gatherRows(dst, src, Int32Array.of(9, 2, 0), 0, 2, 2)).toThrow(/outside src's 3 rows/);
  });

  it('relu clamps negatives and keeps NaN; reluMask zeroes where the output is not > 0', () => {
    const z = Float32Array.of(-1, 0, 2, NaN, -0.5, 3);
    addon.relu(z, 5); // the last value is past `length`
    expect(Array.from(z)).toEqual([0, 0, 2, NaN, 0, 3]);
    const delta = Float32Array.of(1, 1, 1, 1, 1, 1);
    addon.reluMask(delta, z, 6);
    expect(Array.from(delta)).toEqual([0, 0, 1, 0, 0, 1]);
  });

  it('softmaxCrossEntropy: loss sums, argmax hits (first maximum) and (softmax - y) / rows per trial', () => {
    const [rows, classes, count] = [3, 4, 2];
    const logits = random(count * rows * classes, 7);
    logits.set([2, 2, 1, 0], 0); // a tie: the first maximum (class 0) is the prediction
    const y = new Float32Array(rows * classes);
    [0, 3, 2].forEach((label, r) => (y[r * classes + label] = 1));
    const lossSum = Float64Array.of(10, 20);
    const correct = Float64Array.of(1, 0);
    const grad = new Float32Array(count * rows * classes);
    addon.softmaxCrossEntropy(logits, y, rows, classes, count, lossSum, correct, grad);
    for (let t = 0; t < count; t++) {
      let loss = 0;
      let hits = 0;
      for (let r = 0; r < rows; r++) {
        const z = Array.from(logits.subarray((t * rows + r) * classes, (t * rows + r + 1) * classes));
        const label = [0, 3, 2][r]!;
        const sum = z.reduce((s, v) => s + Math.exp(v), 0);
        loss -= Math.log(Math.exp(z[label]!) / sum);
        if (z.indexOf(Math.max(...z)) === label) hits++;
        z.forEach((v, c) => expect(grad[(t * rows + r) * classes + c]).toBeCloseTo((Math.exp(v) / sum - (c === label ? 1 : 0)) / rows, 6));
      }
      expect(lossSum[t]).toBeCloseTo([10, 20][t]! + loss, 10);
      expect(correct[t]).toBe([1, 0][t]! + hits);
    }
  });
});
