// Simulated sweeps with a known truth, for the calibration test (and to reproduce its numbers).
import type { SeedResults } from './paired-difference.ts';

/** mulberry32: a seeded PRNG, so every run draws the same sweeps. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface SweepModel {
  /** Each schedule's true mean objective. */
  means: readonly number[];
  seeds: number;
  /** Spread a seed gives every schedule alike (initial weights, data order). */
  seedSd: number;
  /** Spread of one schedule on one seed beyond that. */
  noiseSd: number;
}

/** One sweep: objective = true mean + the seed's shared effect + the trial's own noise. */
export function simulateSweep(model: SweepModel, random: () => number): SeedResults[] {
  const seedEffects = Array.from({ length: model.seeds }, () => model.seedSd * normal(random));
  return model.means.map((mu) => seedEffects.map((e, seed) => [seed, mu + e + model.noiseSd * normal(random)] as const));
}
