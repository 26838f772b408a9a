import type { Leaderboard } from '@lrsweep/contracts';

/** The leaderboard columns `lrsweep export` adds to each row, after the epoch's own. */
export const RANKING_COLUMNS = ['rank', 'schedule_mean', 'schedule_ci_lo', 'schedule_ci_hi', 'vs_best_diff', 'vs_best_lo', 'vs_best_hi', 'tied_with_best'] as const;

export type Ranking = Record<(typeof RANKING_COLUMNS)[number], number | boolean | null>;

const UNRANKED: Ranking = Object.fromEntries(RANKING_COLUMNS.map((c) => [c, null])) as Ranking;

/**
 * Each ranked trial's schedule statistics, by trial id, so every exported epoch row carries
 * where its schedule stands. A trial the board does not rank (not completed) gets nulls.
 */
export function rankingByTrial(board: Leaderboard): (trialId: string) => Ranking {
  const byTrial = new Map<string, Ranking>();
  for (const e of board.entries) {
    const ranking: Ranking = {
      rank: e.rank,
      schedule_mean: e.mean,
      schedule_ci_lo: e.ci?.[0] ?? null,
      schedule_ci_hi: e.ci?.[1] ?? null,
      vs_best_diff: e.vsBest.diff,
      vs_best_lo: e.vsBest.ci?.[0] ?? null,
      vs_best_hi: e.vsBest.ci?.[1] ?? null,
      tied_with_best: e.tiedWithBest,
    };
    for (const id of e.trials) byTrial.set(id, ranking);
  }
  return (trialId) => byTrial.get(trialId) ?? UNRANKED;
}
