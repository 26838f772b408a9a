import { studentTQuantile } from './student-t.ts';

/** A two-sided confidence interval, `[lo, hi]`. */
export type Interval = [number, number];

/** The two-sided level every published interval uses. */
export const CONFIDENCE = 0.95;

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); 0 for fewer than two values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** `centre ± t_{(1+level)/2, df} · se`, or null when there is no spread to estimate (df < 1). */
export function tInterval(centre: number, se: number, df: number, level = CONFIDENCE): Interval | null {
  if (!(df >= 1) || !Number.isFinite(se)) return null;
  const half = studentTQuantile((1 + level) / 2, df) * se;
  return [centre - half, centre + half];
}

export interface MeanSummary {
  mean: number;
  std: number;
  n: number;
  /** The t interval of the mean; null for a single value. */
  ci: Interval | null;
}

/**
 * Mean over seeds with its t interval. A t interval, not a bootstrap: with 2 to 5 seeds a
 * bootstrap resamples from 2 to 5 values and its 95% interval covers the true mean far less
 * often than 95% (stats.calibration.test.ts measures both).
 */
export function meanInterval(xs: readonly number[], level = CONFIDENCE): MeanSummary {
  if (xs.length === 0) throw new RangeError('meanInterval needs at least one value');
  const m = mean(xs);
  const std = sampleStd(xs);
  return { mean: m, std, n: xs.length, ci: tInterval(m, std / Math.sqrt(xs.length), xs.length - 1, level) };
}
