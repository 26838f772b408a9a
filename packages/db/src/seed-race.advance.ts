// Seed racing as a sweep strategy (sweep-advance.repository.ts): `seeds: {min, max}` in the
// spec. The decision is @lrsweep/stats' nextSeeds, over the sweep's trials grouped by
// schedule as the leaderboard groups them; this file only feeds it and words its reasons.
import { nextSeeds, rankSchedules } from '@lrsweep/stats';
import type { Prisma } from './client.ts';
import type { FinishedTrial, NextTrial, SweepAdvance } from './sweep-advance.repository.ts';

/** The race's bounds, when the spec's seeds are `{min, max}`. */
export function raceBounds(spec: Prisma.JsonValue): { min: number; max: number } | null {
  const seeds = (spec as { seeds?: unknown } | null)?.seeds;
  if (typeof seeds !== 'object' || seeds === null || Array.isArray(seeds)) return null;
  const { min, max } = seeds as { min?: unknown; max?: unknown };
  return typeof min === 'number' && typeof max === 'number' ? { min, max } : null;
}

/** One schedule's entry in the race, filled trial by trial (a RaceSchedule of stats). */
interface Racer {
  key: string;
  completed: Array<[seed: number, objective: number]>;
  diverged: number;
  failed: number;
  attempted: number[];
}

const num = (x: number) => (x >= 0 ? '+' : '') + x.toPrecision(3);

export const seedRace: SweepAdvance = {
  name: 'race',
  appliesTo: (spec) => raceBounds(spec) !== null,
  next(sweep, trials) {
    const { min, max } = raceBounds(sweep.spec)!;
    // Grouped in index order, so ties in the ranking break the same way every time.
    const groups = new Map<string, { first: FinishedTrial; race: Racer }>();
    for (const t of trials) {
      let g = groups.get(t.scheduleKey);
      if (!g) groups.set(t.scheduleKey, (g = { first: t, race: { key: t.scheduleKey, completed: [], diverged: 0, failed: 0, attempted: [] } }));
      const { race } = g;
      race.attempted.push(t.seed);
      // The leaderboard's rule: a completed seed is judged, a diverged one counts against the
      // schedule, a failed (or cancelled) one is missing.
      if (t.state === 'completed' && t.objective !== null) race.completed.push([t.seed, t.objective]);
      else if (t.state === 'diverged') race.diverged++;
      else if (t.state === 'failed') race.failed++;
    }
    const schedules = [...groups.values()].map((g) => g.race);
    const decision = nextSeeds(schedules, sweep.objectiveMode, { minSeeds: min, maxSeeds: max });
    const ranked = rankSchedules(schedules.filter((s) => s.completed.length > 0), sweep.objectiveMode);
    const best = ranked[0];
    const rivals = decision.next.filter((n) => n.key !== best?.key).length;
    return decision.next.map(({ key, seed }): NextTrial => {
      const g = groups.get(key)!;
      const seeds = g.race.attempted.length;
      const entry = ranked.find((e) => e.key === key);
      let reason: string;
      if (key === best?.key) reason = `seed race: the best after ${seeds} seeds; seed ${seed} pairs it with the ${rivals} schedule(s) still tied with it`;
      else if (!entry || seeds < min) reason = `seed race: ${seeds} of the ${min} seeds every schedule runs`;
      else if (entry.tiedWithBest === null) reason = `seed race: ${seeds} seeds give no interval to tell it from the best yet`;
      else {
        const ci = entry.vsBest.ci!;
        reason = `seed race: tied with the best after ${seeds} seeds (difference ${num(entry.vsBest.diff)}, 95% interval [${num(ci[0])}, ${num(ci[1])}] holds 0)`;
      }
      return { schedule: g.first.schedule as Prisma.InputJsonValue, scheduleKey: key, seed, reason };
    });
  },
};
