import { describe, expect, it } from 'vitest';
import { raceBounds, seedRace } from './seed-race.advance.ts';
import type { FinishedTrial } from './sweep-advance.repository.ts';

// The seed race as a sweep strategy: which trials it adds given the finished ones, and why.
// The decision itself is tested in @lrsweep/stats (seed-race.test.ts).

const sweep = (min: number, max: number) => ({ id: 's', spec: { seeds: { min, max } }, objectiveMode: 'min' as const });

/** Trials of schedule `key` on seeds 0.., one per value: a number completes, 'diverged'/'failed' as said. */
function trialsOf(key: string, values: Array<number | 'diverged' | 'failed'>, from = 0): FinishedTrial[] {
  return values.map((v, seed) => ({
    index: from + seed,
    scheduleKey: key,
    schedule: { type: key },
    seed,
    state: typeof v === 'number' ? 'completed' : v,
    objective: typeof v === 'number' ? v : null,
  }));
}

describe('seedRace', () => {
  it('applies only to seeds {min, max}', () => {
    expect(raceBounds({ seeds: { min: 3, max: 10 } })).toEqual({ min: 3, max: 10 });
    expect(seedRace.appliesTo({ seeds: 3 })).toBe(false);
    expect(seedRace.appliesTo({ seeds: [0, 1] })).toBe(false);
    expect(seedRace.appliesTo({})).toBe(false);
  });

  it('gives the next seed to the best and to a schedule tied with it, each with why, and none to a clearly worse one', () => {
    const trials = [
      ...trialsOf('A', [0.5, 0.6, 0.55]),
      ...trialsOf('B', [0.52, 0.58, 0.56], 3), // within noise of A
      ...trialsOf('C', [0.9, 1.0, 0.95], 6), // clearly worse
    ];
    const next = seedRace.next(sweep(3, 5), trials);
    expect(next.map((t) => [t.scheduleKey, t.seed])).toEqual([
      ['A', 3],
      ['B', 3],
    ]);
    expect(next[0]!.reason).toMatch(/^seed race: the best after 3 seeds; seed 3 pairs it with the 1 schedule\(s\) still tied/);
    expect(next[1]!.reason).toMatch(/^seed race: tied with the best after 3 seeds \(difference [+-][\d.]+, 95% interval \[[+-][\d.]+, [+-][\d.]+\] holds 0\)$/);
    expect(next[1]!.schedule).toEqual({ type: 'B' });
  });

  it('adds nothing once the tied schedules have max seeds', () => {
    const trials = [...trialsOf('A', [0.5, 0.6, 0.55]), ...trialsOf('B', [0.52, 0.58, 0.56], 3)];
    expect(seedRace.next(sweep(2, 3), trials)).toEqual([]);
  });

  it('drops a schedule that diverged on a seed (the leaderboard rule), and counts a failed seed as tried, not judged', () => {
    const trials = [
      ...trialsOf('A', [0.5, 0.6, 0.55]),
      ...trialsOf('D', [0.4, 'diverged', 0.45], 3),
      ...trialsOf('F', [0.52, 'failed', 0.56, 0.57], 6),
    ];
    const next = seedRace.next(sweep(3, 6), trials);
    expect(next.map((t) => t.scheduleKey)).not.toContain('D');
    // F's failed seed 1 is not run again: its next seed is the lowest it has not tried.
    expect(next.find((t) => t.scheduleKey === 'F')?.seed).toBe(4);
  });
});
