import { CONFIDENCE } from './interval.ts';
import { rankSchedules, type ScheduleResults } from './rank.ts';

/** One schedule in a seed race: its results, and every seed it has been run on (any outcome). */
export interface RaceSchedule<K> extends ScheduleResults<K> {
  attempted: readonly number[];
}

export interface RaceOptions {
  /** Seeds every schedule gets before any is dropped: with 2 the paired interval's t is 12.7. @defaultValue 3 */
  minSeeds?: number;
  /** Seeds after which a schedule gets no more, tied or not. @defaultValue 10 */
  maxSeeds?: number;
  /** @defaultValue 0.95 */
  level?: number;
}

export interface RaceDecision<K> {
  /** Who trains next, on which seed: the lowest seed it has not been run on, so rivals stay paired. */
  next: Array<{ key: K; seed: number }>;
  /** Out of the race: significantly worse than the best, or diverged where the best did not. */
  eliminated: K[];
  /** Nothing left to run: one schedule is clear of the rest, or every contender reached maxSeeds. */
  done: boolean;
}

/**
 * Seed racing (as in F-Race): rather than every schedule getting every seed, the next seed goes
 * only to the schedules the seeds cannot yet tell from the best, and to the best itself so its
 * rivals have a pair on that seed. Pure: the caller runs the trials and asks again.
 *
 * A schedule is dropped when it diverged on a seed while the best did not, or (once it has
 * `minSeeds`) when its paired difference to the best is significant. One with no completed
 * seed yet is not judged: it gets its next seed while under `minSeeds`.
 */
export function nextSeeds<K>(schedules: ReadonlyArray<RaceSchedule<K>>, mode: 'min' | 'max', options: RaceOptions = {}): RaceDecision<K> {
  const { minSeeds = 3, maxSeeds = 10, level = CONFIDENCE } = options;
  const byKey = new Map(schedules.map((s) => [s.key, s]));
  const ranked = rankSchedules(schedules.filter((s) => s.completed.length > 0), mode, level);
  const best = ranked[0];
  const tried = (key: K) => new Set(byKey.get(key)!.attempted);
  const nextSeed = (key: K) => {
    const seen = tried(key);
    let seed = 0;
    while (seen.has(seed)) seed++;
    return seed;
  };

  const eliminated: K[] = [];
  const rivals: K[] = [];
  const unjudged = schedules.filter((s) => s.completed.length === 0);
  for (const s of unjudged) {
    if (s.diverged > 0 && best && best.diverged === 0) eliminated.push(s.key);
    else if (tried(s.key).size < minSeeds) rivals.push(s.key);
  }
  for (const e of ranked.slice(1)) {
    const seeds = tried(e.key).size;
    if (e.diverged > 0 && best!.diverged === 0) eliminated.push(e.key);
    else if (seeds < minSeeds) rivals.push(e.key);
    else if (e.tiedWithBest === false) eliminated.push(e.key);
    else if (seeds < maxSeeds) rivals.push(e.key);
  }
  // The best runs while any rival does (a rival's next seed needs the best's to pair with), and
  // up to minSeeds in any case.
  const bestRuns = best !== undefined && tried(best.key).size < maxSeeds && (rivals.length > 0 || tried(best.key).size < minSeeds);
  const next = [...(bestRuns ? [best!.key] : []), ...rivals].map((key) => ({ key, seed: nextSeed(key) }));
  return { next, eliminated, done: next.length === 0 };
}
