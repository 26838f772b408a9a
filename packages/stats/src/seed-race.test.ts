import { describe, expect, it } from 'vitest';
import { nextSeeds, type RaceSchedule } from './seed-race.ts';

/** A schedule run on seeds 0..n-1 with these objectives (null: diverged on that seed). */
function schedule(key: string, values: Array<number | null>): RaceSchedule<string> {
  const completed = values.flatMap((v, seed) => (v === null ? [] : [[seed, v] as const]));
  return { key, completed, diverged: values.filter((v) => v === null).length, failed: 0, attempted: values.map((_, seed) => seed) };
}

describe('nextSeeds', () => {
  it('gives every schedule its first seeds before judging any', () => {
    const d = nextSeeds([schedule('a', [0.5, 0.6]), schedule('b', [0.9, 1.0])], 'min');
    expect(d).toEqual({ next: [{ key: 'a', seed: 2 }, { key: 'b', seed: 2 }], eliminated: [], done: false });
  });

  it('races on only the schedules tied with the best, and the best, on the same next seed', () => {
    const d = nextSeeds(
      [
        schedule('best', [0.40, 0.50, 0.45]),
        schedule('close', [0.41, 0.49, 0.47]), // differences +0.01, -0.01, +0.02: tied
        schedule('worse', [0.50, 0.60, 0.55]), // +0.1 on every seed
      ],
      'min',
    );
    expect(d).toEqual({ next: [{ key: 'best', seed: 3 }, { key: 'close', seed: 3 }], eliminated: ['worse'], done: false });
  });

  it('stops when the best is clear of every rival', () => {
    const d = nextSeeds([schedule('best', [0.40, 0.50, 0.45]), schedule('worse', [0.50, 0.60, 0.55])], 'min');
    expect(d).toEqual({ next: [], eliminated: ['worse'], done: true });
  });

  it('drops a schedule that diverged on a seed, however good its survivors', () => {
    const d = nextSeeds([schedule('steady', [0.5, 0.52, 0.51]), schedule('lucky', [0.1, null])], 'min');
    expect(d).toEqual({ next: [], eliminated: ['lucky'], done: true });
  });

  it('stops at maxSeeds even while tied', () => {
    const tied = [schedule('a', [0.40, 0.50, 0.45, 0.47]), schedule('b', [0.41, 0.49, 0.47, 0.46])];
    expect(nextSeeds(tied, 'min', { maxSeeds: 4 })).toEqual({ next: [], eliminated: [], done: true });
    expect(nextSeeds(tied, 'min', { maxSeeds: 5 }).next).toEqual([{ key: 'a', seed: 4 }, { key: 'b', seed: 4 }]);
  });

  it('fills a missing seed first, so the schedules stay paired', () => {
    const gap: RaceSchedule<string> = { key: 'gap', completed: [[0, 0.41], [2, 0.47]], diverged: 0, failed: 0, attempted: [0, 2] };
    const d = nextSeeds([schedule('best', [0.40, 0.50, 0.45]), gap], 'min');
    expect(d.next).toContainEqual({ key: 'gap', seed: 1 });
  });
});
