// A tiny seeded PRNG of our own: tfjs's random ops are not reproducible across backends or
// resumable, and we need init and data order to replay exactly from (seed, epoch).

export { mulberry32 } from '@lrsweep/stats';

/** Mixes several integers into one seed, so streams for (seed, purpose, epoch) never overlap. */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Standard normal by Box-Muller. */
export function gaussian(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rand: () => number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/** Stream purposes: each gets its own derived seed so adding one never shifts another. */
export const STREAM = { init: 1, order: 2, noop: 3 } as const;
