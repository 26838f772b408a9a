// Simulated sweeps with a known truth, for the calibration test (and to reproduce its numbers).
import type { SeedResults } from './paired-difference.ts';
import { mulberry32 } from './random.ts';

/** The calibration's draws: the tree's one PRNG, so every run draws the same sweeps. */
export const prng = mulberry32;

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
