import { describe, expect, it } from 'vitest';
import { rankSchedules } from './rank.ts';

const seeds = (...v: number[]) => v.map((x, i) => [i, x] as const);

describe('rankSchedules', () => {
  it('ranks by mean and ties what the paired interval cannot tell apart', () => {
    const ranked = rankSchedules(
      [
        { key: 'noisy', completed: seeds(0.50, 0.62, 0.41), diverged: 0, failed: 0 },
        { key: 'best', completed: seeds(0.49, 0.6, 0.4), diverged: 0, failed: 0 },
        { key: 'worse', completed: seeds(0.59, 0.7, 0.5), diverged: 0, failed: 0 },
      ],
      'min',
    );
    expect(ranked.map((r) => [r.key, r.rank, r.tiedWithBest])).toEqual([['best', 1, true], ['noisy', 2, true], ['worse', 3, false]]);
    expect(ranked[0]!.vsBest).toEqual({ diff: 0, ci: [0, 0], method: 'paired', pairs: 3 });
    expect(ranked[2]!.vsBest.diff).toBeCloseTo(0.1, 9);
    expect(ranked[2]!.ci).not.toBeNull();
  });

  it('ranks the highest first when the objective is maximised', () => {
    const ranked = rankSchedules([{ key: 'a', completed: seeds(0.8, 0.9), diverged: 0, failed: 0 }, { key: 'b', completed: seeds(0.9, 0.95), diverged: 0, failed: 0 }], 'max');
    expect(ranked.map((r) => r.key)).toEqual(['b', 'a']);
    expect(ranked[1]!.vsBest.diff).toBeCloseTo(-0.075, 9);
  });

  it('never ranks a schedule that diverged on its survivors alone; a failed seed is only missing', () => {
    const ranked = rankSchedules(
      [
        { key: 'lucky', completed: seeds(0.1), diverged: 2, failed: 0 },
        { key: 'diverged-once', completed: seeds(0.5, 0.52), diverged: 1, failed: 0 },
        { key: 'crashed', completed: seeds(0.2, 0.2), diverged: 0, failed: 1 },
        { key: 'steady', completed: seeds(0.5, 0.52, 0.51), diverged: 0, failed: 0 },
      ],
      'min',
    );
    expect(ranked.map((r) => [r.key, r.tiedWithBest, r.diverged, r.failed])).toEqual([
      ['crashed', true, 0, 1],
      ['steady', false, 0, 0],
      ['lucky', false, 2, 0],
      ['diverged-once', false, 1, 0],
    ]);
  });

  it('ranks by mean among schedules that all diverged somewhere, with ties', () => {
    const ranked = rankSchedules([{ key: 'a', completed: seeds(0.3, 0.5), diverged: 1, failed: 0 }, { key: 'b', completed: seeds(0.35, 0.5), diverged: 1, failed: 0 }], 'min');
    expect(ranked.map((r) => [r.key, r.tiedWithBest])).toEqual([['a', true], ['b', true]]);
  });

  it('claims no tie with one seed', () => {
    const ranked = rankSchedules([{ key: 'a', completed: seeds(0.3), diverged: 0, failed: 0 }, { key: 'b', completed: seeds(0.31), diverged: 0, failed: 0 }], 'min');
    expect(ranked.map((r) => [r.ci, r.vsBest.ci, r.tiedWithBest])).toEqual([[null, [0, 0], true], [null, null, null]]);
  });
});
