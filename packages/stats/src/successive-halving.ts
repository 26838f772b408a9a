import { CONFIDENCE } from './interval.ts';
import { rankSchedules, type ScheduleResults } from './rank.ts';

export interface RungOptions {
  /** How many go on whatever the statistics say: the best ceil(n/eta). */
  keep: number;
  /** The most that go on, ties included (see maxPromoted in @lrsweep/contracts). */
  cap: number;
  /** @defaultValue 0.95 */
  level?: number;
}

export interface RungDecision<K> {
  /** In rank order: the best `keep`, then those tied with the best, up to `cap`. */
  promoted: K[];
  /** Every other configuration, with why, in rank order (unranked ones last). */
  stopped: Array<{ key: K; reason: string }>;
}

/**
 * Successive halving's decision at the end of a rung. Pure and order-free: it depends on the
 * results alone, never on which trial finished first (ties in mean are broken by the key, so
 * the caller needs no particular order either), and the same results always give the same rung.
 *
 * The best `keep` go on; then configurations the leaderboard's statistics call tied with the
 * rung's best (its paired 95% interval holds 0), in rank order, while fewer than `cap` go on.
 * A configuration with no completed seed (all failed) is not ranked and goes no further.
 */
export function promoteRung<K extends string>(schedules: ReadonlyArray<ScheduleResults<K>>, mode: 'min' | 'max', options: RungOptions): RungDecision<K> {
  const { keep, cap, level = CONFIDENCE } = options;
  const sorted = [...schedules].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ranked = rankSchedules(sorted.filter((s) => s.completed.length > 0), mode, level);
  const promoted: K[] = [];
  const stopped: RungDecision<K>['stopped'] = [];
  for (const r of ranked) {
    const place = `ranked ${r.rank} of ${schedules.length}`;
    if (promoted.length < keep) promoted.push(r.key);
    else if (r.tiedWithBest === true && promoted.length < cap) promoted.push(r.key);
    else if (r.tiedWithBest === true) stopped.push({ key: r.key, reason: `${place}: tied with the best, but ${cap} already go on` });
    else stopped.push({ key: r.key, reason: `${place}: not in the best ${keep}${r.diverged > 0 ? ` (diverged on ${r.diverged} seed${r.diverged > 1 ? 's' : ''})` : ''}` });
  }
  for (const s of sorted) if (s.completed.length === 0) stopped.push({ key: s.key, reason: 'no completed seed at this rung' });
  return { promoted, stopped };
}
