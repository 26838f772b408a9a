import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../rng.ts';
import { loadBlasAddon } from './blas-addon.ts';

const addon = loadBlasAddon();
const random = (n: number, seed: number) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand() * 2 - 1);
};

// [n, h, w, c, ldx]: the CNN's layers (28x28x1 input; 13x13x8 after the first pool, alone and
// as one trial's channels of a pack of 3), odd sizes and 2 input channels.
const shapes: [number, number, number, number, number][] = [
  [2, 28, 28, 1, 1],
  [3, 13, 13, 8, 8],
  [2, 13, 13, 8, 24],
  [2, 11, 9, 2, 2],
];

describe('im2col and col2im', () => {
  it.each(shapes)('n=%i %ix%ix%i (pixel pitch %i): im2col @ W is the float64 convolution, col2im its adjoint', (n, h, w, c, ldx) => {
    const k = 3;
    const [oh, ow, out] = [h - k + 1, w - k + 1, 5];
    const x = random(n * h * w * ldx, 1);
    const filters = random(k * k * c * out, 2);
    const cols = new Float32Array(n * oh * ow * k * k * c);
    addon.im2col(x, ldx, n, h, w, c, k, cols);
    const conv = new Float32Array(n * oh * ow * out);
    addon.sgemm(false, false, n * oh * ow, out, k * k * c, 1, cols, k * k * c, filters, out, 0, conv, out);
    let worst = 0;
    for (let s = 0; s < n; s++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let o = 0; o < out; o++) {
            let sum = 0;
            for (let di = 0; di < k; di++)
              for (let dj = 0; dj < k; dj++)
                for (let ch = 0; ch < c; ch++) sum += x[((s * h + i + di) * w + j + dj) * ldx + ch]! * filters[((di * k + dj) * c + ch) * out + o]!;
            worst = Math.max(worst, Math.abs(sum - conv[((s * oh + i) * ow + j) * out + o]!));
          }
    expect(worst).toBeLessThan(1e-5);

    // <col2im(d), x> = <d, im2col(x)>, and channels outside [0, c) of each pixel are left alone.
    const d = random(cols.length, 3);
    const dx = new Float32Array(x.length).fill(7);
    addon.col2im(d, n, h, w, c, k, dx, ldx);
    let lhs = 0;
    let rhs = 0;
    for (let p = 0; p < n * h * w; p++) {
      for (let ch = 0; ch < c; ch++) lhs += dx[p * ldx + ch]! * x[p * ldx + ch]!;
      for (let ch = c; ch < ldx; ch++) expect(dx[p * ldx + ch]).toBe(7);
    }
    for (let i = 0; i < d.length; i++) rhs += d[i]! * cols[i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.max(1, Math.abs(rhs)));
  });

  it('refuses arrays too small for the shapes, naming the argument', () => {
    expect(() => addon.im2col(new Float32Array(10), 1, 1, 28, 28, 1, 3, new Float32Array(6084))).toThrow(/x needs 784 values/);
    expect(() => addon.col2im(new Float32Array(6084), 1, 28, 28, 1, 3, new Float32Array(10), 1)).toThrow(/dx needs 784 values/);
  });
});

describe('biasReluPool and its gradient', () => {
  // [n, h, w, c, groups, ldz]: the CNN's 26x26 and 11x11 (odd: last row/column dropped), a
  // wide z, and 3 groups (a pack of 3 trials' channels, each pooled into its own slice).
  const pools: [number, number, number, number, number, number][] = [
    [2, 26, 26, 8, 1, 8],
    [2, 11, 11, 16, 1, 16],
    [1, 6, 7, 3, 1, 9],
    [2, 7, 6, 4, 3, 13],
  ];
  it.each(pools)('n=%i %ix%ix%i x %i groups (ldz %i) matches maxpool(relu(z + b)) with the first maximum, and routes its gradient there', (n, h, w, c, groups, ldz) => {
    const z = random(n * h * w * ldz, 4);
    for (let i = 0; i < z.length; i += 5) z[i] = z[i + 1] ?? 0; // ties: the first maximum must win
    const bias = random(groups * c, 5);
    const [ph, pw] = [Math.floor(h / 2), Math.floor(w / 2)];
    const outs = n * ph * pw * c;
    const stride = groups > 1 ? outs + 3 : 0; // a gap between groups' slices, left alone
    const out = new Float32Array((groups - 1) * stride + outs).fill(5);
    const argmax = new Int32Array(out.length).fill(5);
    addon.biasReluPool(z, ldz, n, h, w, c, bias, out, argmax, groups, stride);
    const dout = random(out.length, 6);
    const dz = new Float32Array(z.length).fill(9);
    const dbias = new Float32Array(groups * c);
    addon.biasReluPoolBackward(dout, argmax, n, h, w, c, dz, ldz, dbias, groups, stride);
    const wantDz = new Float64Array(z.length);
    const wantDb = new Float64Array(groups * c);
    const wantOut = Array.from(out, () => 5);
    for (let q = 0; q < groups; q++)
      for (let s = 0; s < n; s++)
        for (let i = 0; i < ph; i++)
          for (let j = 0; j < pw; j++)
            for (let ch = q * c; ch < (q + 1) * c; ch++) {
              const rows = [0, 1, w, w + 1].map((o) => (s * h + 2 * i) * w + 2 * j + o);
              const vals = rows.map((r) => Math.fround(z[r * ldz + ch]! + bias[ch]!));
              const best = Math.max(...vals);
              const o = q * stride + ((s * ph + i) * pw + j) * c + ch - q * c;
              wantOut[o] = Math.max(best, 0);
              const at = best > 0 ? vals.indexOf(best) : -1;
              expect(argmax[o]).toBe(at);
              if (at >= 0) (wantDz[rows[at]! * ldz + ch] = dout[o]!), (wantDb[ch] = wantDb[ch]! + dout[o]!);
            }
    expect(Array.from(out)).toEqual(wantOut);
    for (let r = 0; r < n * h * w; r++)
      for (let ch = 0; ch < ldz; ch++) expect(dz[r * ldz + ch]).toBe(ch < groups * c ? wantDz[r * ldz + ch] : 9);
    dbias.forEach((v, ch) => expect(Math.abs(v - wantDb[ch]!)).toBeLessThan(1e-5 * (1 + Math.abs(wantDb[ch]!)))); // float32 sums
  });

  it('lets a NaN through, so a diverging trial shows in its loss', () => {
    const z = new Float32Array(16).fill(1);
    z[5] = NaN;
    const out = new Float32Array(4);
    addon.biasReluPool(z, 1, 1, 4, 4, 1, new Float32Array(1), out, new Int32Array(4), 1, 0);
    expect(Array.from(out).map(Number.isNaN)).toEqual([true, false, false, false]);
  });
});
