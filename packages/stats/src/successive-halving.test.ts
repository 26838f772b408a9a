import { describe, expect, it } from 'vitest';
import type { ScheduleResults } from './rank.ts';
import { promoteRung } from './successive-halving.ts';

/** A configuration whose three seeds are `base + seed effect + noise`, so pairs share the seed effect. */
const config = (key: string, base: number, noise: number[] = [0, 0.0004, -0.0003], diverged = 0): ScheduleResults<string> => ({
  key,
  completed: [0, 1, 2].map((seed) => [seed, base + [0.01, -0.02, 0.015][seed]! + noise[seed]!] as [number, number]),
  diverged,
  failed: 0,
});

describe('promoteRung', () => {
  const rung = [config('a', 0.3), config('b', 0.35), config('c', 0.31), config('d', 0.5), config('e', 0.32), config('f', 0.4)];

  it('keeps the best ceil(n/eta), in rank order, and stops the rest with their rank', () => {
    const d = promoteRung(rung, 'min', { keep: 2, cap: 2 });
    expect(d.promoted).toEqual(['a', 'c']);
    expect(d.stopped.map((s) => s.key)).toEqual(['e', 'b', 'f', 'd']);
    expect(d.stopped[0]!.reason).toBe('ranked 3 of 6: not in the best 2');
  });

  it('follows the objective: max keeps the largest', () => {
    expect(promoteRung(rung, 'max', { keep: 2, cap: 2 }).promoted).toEqual(['d', 'f']);
  });

  it('adds a configuration tied with the best, up to the cap', () => {
    // 'g' differs from 'a' by 0.0003 with noise of about that size: the seeds cannot tell them apart.
    const tied = [...rung, config('g', 0.3003, [0.0005, -0.0004, 0.0002]), config('h', 0.3002, [-0.0005, 0.0004, 0.0001])];
    const d = promoteRung(tied, 'min', { keep: 1, cap: 2 });
    expect(d.promoted[0]).toBe('a');
    expect(d.promoted).toHaveLength(2);
    expect(d.stopped.find((s) => s.reason.includes('tied with the best, but 2 already go on'))).toBeDefined();
    expect(d.stopped.find((s) => s.key === 'c')!.reason).toMatch(/not in the best 1/);
  });

  it('is the same whatever order the results come in', () => {
    const once = promoteRung(rung, 'min', { keep: 3, cap: 4 });
    expect(promoteRung([...rung].reverse(), 'min', { keep: 3, cap: 4 })).toEqual(once);
  });

  it('stops a configuration that diverged, and one with no completed seed', () => {
    const d = promoteRung([config('a', 0.3, undefined, 1), config('b', 0.4), { key: 'z', completed: [], diverged: 0, failed: 3 }], 'min', { keep: 1, cap: 1 });
    expect(d.promoted).toEqual(['b']);
    expect(d.stopped).toEqual([
      { key: 'a', reason: 'ranked 2 of 3: not in the best 1 (diverged on 1 seed)' },
      { key: 'z', reason: 'no completed seed at this rung' },
    ]);
  });
});
