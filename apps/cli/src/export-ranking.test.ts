import { describe, expect, it } from 'vitest';
import type { Leaderboard } from '@lrsweep/contracts';
import { RANKING_COLUMNS, rankingByTrial } from './export-ranking.ts';

const board: Leaderboard = {
  metric: 'val_loss',
  mode: 'min',
  entries: [
    { rank: 1, schedule: {}, mean: 0.4, std: 0.01, n: 2, trials: ['a', 'b'], ci: [0.3, 0.5], vsBest: { diff: 0, ci: [0, 0], method: 'paired', pairs: 2 }, tiedWithBest: true, diverged: 0, failed: 0 },
    { rank: 2, schedule: {}, mean: 0.6, std: 0, n: 1, trials: ['c'], ci: null, vsBest: { diff: 0.2, ci: null, method: 'paired', pairs: 1 }, tiedWithBest: null, diverged: 1, failed: 0 },
  ],
};

describe('rankingByTrial', () => {
  it("gives each ranked trial its schedule's standing, and nulls to the rest", () => {
    const of = rankingByTrial(board);
    expect(of('b')).toEqual({ rank: 1, schedule_mean: 0.4, schedule_ci_lo: 0.3, schedule_ci_hi: 0.5, vs_best_diff: 0, vs_best_lo: 0, vs_best_hi: 0, tied_with_best: true });
    expect(of('c')).toMatchObject({ rank: 2, schedule_ci_lo: null, vs_best_diff: 0.2, vs_best_hi: null, tied_with_best: null });
    expect(Object.keys(of('diverged-trial'))).toEqual([...RANKING_COLUMNS]);
    expect(Object.values(of('diverged-trial')).every((v) => v === null)).toBe(true);
  });
});
