import { CONFIDENCE, mean, sampleStd, tInterval, type Interval } from './interval.ts';

/** One schedule's results: `[seed, objective]`, a seed possibly more than once (a rerun). */
export type SeedResults = ReadonlyArray<readonly [seed: number, value: number]>;

export interface Difference {
  /** a − b: the mean of the per-seed differences when paired, the difference of the means when not. */
  diff: number;
  ci: Interval | null;
  /** `paired`: over the seeds both have; `unpaired`: Welch's interval over all of each. */
  method: 'paired' | 'unpaired';
  /** Seeds both have (the pairs a paired difference is taken over). */
  pairs: number;
}

/** Each seed's value; a seed run twice counts once, at its mean, so one seed is one pair. */
export function bySeed(results: SeedResults): ReadonlyMap<number, number> {
  const values = new Map<number, number>();
  let repeated: Map<number, number> | undefined;
  for (const [seed, v] of results) {
    const seen = values.get(seed);
    if (seen === undefined) values.set(seed, v);
    else {
      // Rare (a rerun): keep a running sum and count, divided below.
      repeated ??= new Map();
      repeated.set(seed, (repeated.get(seed) ?? 1) + 1);
      values.set(seed, seen + v);
    }
  }
  for (const [seed, count] of repeated ?? []) values.set(seed, values.get(seed)! / count);
  return values;
}

/**
 * a − b with its interval. A seed fixes the initial weights and the data order, so two
 * schedules' results on one seed are a pair: the paired difference cancels the seed-to-seed
 * spread both share, which is usually most of it. Paired over the shared seeds when there are
 * at least two; otherwise Welch's unpaired interval (each needs two values); otherwise
 * (one value on a side and nothing shared to pair) no interval.
 */
export function difference(a: SeedResults, b: SeedResults, level = CONFIDENCE): Difference {
  return differenceBySeed(bySeed(a), bySeed(b), level);
}

/** `difference` over values already collapsed by `bySeed`, for comparing many with one. */
export function differenceBySeed(sa: ReadonlyMap<number, number>, sb: ReadonlyMap<number, number>, level = CONFIDENCE): Difference {
  const d: number[] = [];
  for (const [seed, va] of sa) {
    const vb = sb.get(seed);
    if (vb !== undefined) d.push(va - vb);
  }
  if (d.length >= 2 || (d.length === 1 && (sa.size < 2 || sb.size < 2))) {
    const diff = mean(d);
    return { diff, ci: tInterval(diff, sampleStd(d) / Math.sqrt(d.length), d.length - 1, level), method: 'paired', pairs: d.length };
  }
  return { ...welch([...sa.values()], [...sb.values()], level), pairs: d.length };
}

/** Welch's interval of mean(a) − mean(b), with the Welch–Satterthwaite degrees of freedom. */
function welch(a: number[], b: number[], level: number): Omit<Difference, 'pairs'> {
  const diff = mean(a) - mean(b);
  if (a.length < 2 || b.length < 2) return { diff, ci: null, method: 'unpaired' };
  const va = sampleStd(a) ** 2 / a.length;
  const vb = sampleStd(b) ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  // No spread on either side: the difference is exact, and the df formula is 0/0.
  const df = se === 0 ? Infinity : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { diff, ci: se === 0 ? [diff, diff] : tInterval(diff, se, df, level), method: 'unpaired' };
}

/** True when the interval holds 0: the difference is not significant at its level. */
export const includesZero = (ci: Interval): boolean => ci[0] <= 0 && 0 <= ci[1];
