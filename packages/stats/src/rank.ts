import { CONFIDENCE, meanInterval, type Interval } from './interval.ts';
import { bySeed, differenceBySeed, includesZero, type Difference, type SeedResults } from './paired-difference.ts';

/** One schedule's finished trials. */
export interface ScheduleResults<K> {
  key: K;
  /** Completed seeds' objectives, `[seed, objective]`. */
  completed: SeedResults;
  /** Seeds whose training diverged (a NaN or exploding loss). */
  diverged: number;
  /** Seeds whose trial failed (the trainer errored out of its retries): missing, not judged. */
  failed: number;
}

export interface RankedSchedule<K> {
  key: K;
  rank: number;
  mean: number;
  std: number;
  n: number;
  ci: Interval | null;
  diverged: number;
  failed: number;
  /** This schedule minus the best (objective units); the best's own is an exact 0. */
  vsBest: Difference;
  /** Not significantly different from the best at 95%; null when there is no interval to say. */
  tiedWithBest: boolean | null;
}

/** Schedules that diverged on a seed after all that did not, then the mean in the objective's direction. */
const compare = (mode: 'min' | 'max') => (a: { diverged: number; mean: number }, b: { diverged: number; mean: number }) =>
  Number(a.diverged > 0) - Number(b.diverged > 0) || (mode === 'min' ? a.mean - b.mean : b.mean - a.mean);

/**
 * Ranks schedules over seeds and says which are indistinguishable from the best.
 *
 * The rule for lost seeds. A divergence is the schedule's own outcome (its rate blew the
 * training up), and its surviving seeds alone would flatter it, since the lost ones went worst:
 * a schedule that diverged on any seed ranks below every schedule that diverged on none,
 * whatever its surviving mean, and is never tied with a best that diverged on none. Among
 * themselves such schedules rank by mean. A failure is not an outcome of the schedule (a
 * crash, a timeout, a bad config: rerun it): a failed seed is counted and shown, and the
 * schedule is ranked on its completed seeds, whose fewer number widens its intervals.
 *
 * `schedules` are those with at least one completed seed; ties in mean keep the input order.
 */
export function rankSchedules<K>(schedules: ReadonlyArray<ScheduleResults<K>>, mode: 'min' | 'max', level = CONFIDENCE): RankedSchedule<K>[] {
  const summarised = schedules.map((s) => ({ s, diverged: s.diverged, ...meanInterval(s.completed.map(([, v]) => v), level) }));
  summarised.sort(compare(mode));
  const best = summarised[0];
  const bestBySeed = best ? bySeed(best.s.completed) : new Map<number, number>();
  return summarised.map((e, i) => {
    const vsBest: Difference = i === 0 ? { diff: 0, ci: [0, 0], method: 'paired', pairs: bestBySeed.size } : differenceBySeed(bySeed(e.s.completed), bestBySeed, level);
    const tiedWithBest = i === 0 ? true : e.diverged > 0 && best!.diverged === 0 ? false : vsBest.ci === null ? null : includesZero(vsBest.ci);
    return { key: e.s.key, rank: i + 1, mean: e.mean, std: e.std, n: e.n, ci: e.ci, diverged: e.s.diverged, failed: e.s.failed, vsBest, tiedWithBest };
  });
}
