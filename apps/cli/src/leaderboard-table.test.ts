import { describe, expect, it } from 'vitest';
import type { Leaderboard, LeaderboardEntry } from '@lrsweep/contracts';
import { LEADERBOARD_CSV_COLUMNS, leaderboardCsv, leaderboardTable } from './leaderboard-table.ts';
import { parseCsv } from './format/csv.ts';

const entry = (over: Partial<LeaderboardEntry>): LeaderboardEntry => ({
  rank: 1, schedule: { type: 'StepLR', step_size: 5, gamma: 0.1 }, mean: 0.41, std: 0.01, n: 3, trials: [], ci: [0.39, 0.43],
  vsBest: { diff: 0, ci: [0, 0], method: 'paired', pairs: 3 }, tiedWithBest: true, diverged: 0, failed: 0, ...over,
});

const board: Leaderboard = {
  metric: 'val_loss',
  mode: 'min',
  entries: [
    entry({}),
    entry({ rank: 2, schedule: { type: 'CosineAnnealingLR', T_max: 10 }, mean: 0.415, vsBest: { diff: 0.005, ci: [-0.002, 0.012], method: 'paired', pairs: 3 }, tiedWithBest: true }),
    entry({ rank: 3, schedule: { type: 'ExponentialLR', gamma: 0.9 }, mean: 0.5, vsBest: { diff: 0.09, ci: [0.08, 0.1], method: 'paired', pairs: 3 }, tiedWithBest: false, failed: 1, n: 2 }),
    entry({ rank: 4, schedule: { type: 'ConstantLR' }, mean: 0.3, n: 1, ci: null, vsBest: { diff: -0.11, ci: null, method: 'paired', pairs: 1 }, tiedWithBest: null, diverged: 2 }),
  ],
};

describe('leaderboardTable', () => {
  it('prints each mean with its interval, the difference to the best and the tied group', () => {
    expect(leaderboardTable(board).split('\n')).toEqual([
      'rank  val_loss (min) [95% CI]               n  vs best [95% CI]            tied  schedule',
      '----  -----------------------  --------------  --------------------------  ----  ------------------------------',
      '   1  0.4100 [0.3900, 0.4300]               3                              best  StepLR(step_size=5, gamma=0.1)',
      '   2  0.4150 [0.3900, 0.4300]               3  +0.0050 [-0.0020, +0.0120]  tied  CosineAnnealingLR(T_max=10)',
      '   3  0.5000 [0.3900, 0.4300]    2 (1 failed)  +0.0900 [+0.0800, +0.1000]        ExponentialLR(gamma=0.9)',
      '   4  0.3000 [no interval]     1 (2 diverged)  -0.1100 [no interval]       ?     ConstantLR()',
    ]);
  });
});

describe('leaderboardTable of a successive-halving sweep', () => {
  it('adds the rung each schedule reached and marks those stopped below the top rung', () => {
    const halving: Leaderboard = {
      ...board,
      entries: [entry({ rung: 1 }), entry({ rank: 2, schedule: { type: 'ExponentialLR', gamma: 0.9 }, rung: 0, mean: 0.45, tiedWithBest: null })],
    };
    const lines = leaderboardTable(halving).split('\n');
    expect(lines[0]).toMatch(/^rank  rung  val_loss/);
    expect(lines[2]).toMatch(/^ {3}1 {5}1  0\.4100 .* best +StepLR/);
    expect(lines[3]).toMatch(/^ {3}2 {5}0  0\.4500 .* stopped  ExponentialLR/);
  });
});

describe('leaderboardCsv', () => {
  it('carries every field, an absent interval as an empty field', () => {
    const rows = parseCsv(leaderboardCsv(board));
    expect(rows[0]).toEqual(LEADERBOARD_CSV_COLUMNS);
    const col = (name: string) => rows.slice(1).map((r) => r[LEADERBOARD_CSV_COLUMNS.indexOf(name)]);
    expect(col('ci_lo')).toEqual(['0.39', '0.39', '0.39', '']);
    expect(col('vs_best_hi')).toEqual(['0', '0.012', '0.1', '']);
    expect(col('tied_with_best')).toEqual(['true', 'true', 'false', '']);
    expect(col('diverged')).toEqual(['0', '0', '0', '2']);
    expect(col('failed')).toEqual(['0', '0', '1', '0']);
  });
});
