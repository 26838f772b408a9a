import type { Leaderboard, LeaderboardEntry } from '@lrsweep/contracts';
import { describeSchedule } from '@lrsweep/schedules';
import { toCsv } from './format/csv.ts';
import { renderTable } from './format/table.ts';

const f4 = (x: number) => x.toFixed(4);
const signed = (x: number) => (x > 0 ? '+' : '') + f4(x);
const interval = (ci: [number, number] | null, fmt = f4) => (ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '[no interval]');

/** `0.4127 [0.3912, 0.4342]`: the mean over seeds and its 95% interval. */
export const meanWithInterval = (e: LeaderboardEntry): string => `${f4(e.mean)} ${interval(e.ci)}`;

/** `2`, or `2 (1 diverged, 1 failed)`: a lost seed is never left out silently. */
export function seedCount(e: LeaderboardEntry): string {
  const lost = [e.diverged && `${e.diverged} diverged`, e.failed && `${e.failed} failed`].filter(Boolean);
  return lost.length ? `${e.n} (${lost.join(', ')})` : String(e.n);
}

/** The tied marker: `best`, `tied` (its difference to the best is not significant), `?` (no interval says) or blank. */
export function tiedMarker(e: LeaderboardEntry): string {
  if (e.rank === 1) return 'best';
  return e.tiedWithBest === true ? 'tied' : e.tiedWithBest === null ? '?' : '';
}

/** `+0.0023 [-0.0050, 0.0096]`, the difference to the best, `unpaired` when no seeds paired it. */
function vsBest(e: LeaderboardEntry): string {
  if (e.rank === 1) return '';
  return `${signed(e.vsBest.diff)} ${interval(e.vsBest.ci, signed)}${e.vsBest.method === 'unpaired' ? ' unpaired' : ''}`;
}

/**
 * The leaderboard as an aligned text table: rank, mean [95% interval], n, the difference to the
 * best, the tied marker, schedule; a successive-halving sweep's adds the rung each schedule
 * reached, and marks those stopped below the top rung `stopped` (their difference is to their rung's best).
 */
export function leaderboardTable(board: Leaderboard): string {
  const rungs = board.entries.map((e) => e.rung).filter((r): r is number => typeof r === 'number');
  const top = rungs.length > 0 ? Math.max(...rungs) : undefined;
  const marker = (e: LeaderboardEntry) => (top !== undefined && typeof e.rung === 'number' && e.rung < top ? 'stopped' : tiedMarker(e));
  const rows = board.entries.map((e) => [String(e.rank), ...(top === undefined ? [] : [String(e.rung)]), meanWithInterval(e), seedCount(e), vsBest(e), marker(e), describeSchedule(e.schedule)]);
  return renderTable(
    [
      { header: 'rank', align: 'right' },
      ...(top === undefined ? [] : [{ header: 'rung', align: 'right' as const }]),
      { header: `${board.metric} (${board.mode}) [95% CI]` },
      { header: 'n', align: 'right' },
      { header: 'vs best [95% CI]' },
      { header: 'tied' },
      { header: 'schedule' },
    ],
    rows,
  );
}

export const LEADERBOARD_CSV_COLUMNS = [
  'rank', 'schedule_call', 'schedule', 'metric', 'mode', 'mean', 'std', 'n', 'ci_lo', 'ci_hi',
  'vs_best_diff', 'vs_best_lo', 'vs_best_hi', 'vs_best_method', 'vs_best_pairs', 'tied_with_best', 'diverged', 'failed',
];

/** The leaderboard as CSV, every field of the API's entries; an absent interval is an empty field. */
export function leaderboardCsv(board: Leaderboard): string {
  return toCsv(
    LEADERBOARD_CSV_COLUMNS,
    board.entries.map((e) => [
      e.rank, describeSchedule(e.schedule), JSON.stringify(e.schedule), board.metric, board.mode, e.mean, e.std, e.n, e.ci?.[0], e.ci?.[1],
      e.vsBest.diff, e.vsBest.ci?.[0], e.vsBest.ci?.[1], e.vsBest.method, e.vsBest.pairs, e.tiedWithBest, e.diverged, e.failed,
    ]),
  );
}
