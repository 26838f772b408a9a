import type { Leaderboard } from '@lrsweep/contracts';
import { describeSchedule } from '@lrsweep/schedules';
import { renderTable } from './format/table.ts';

/** The leaderboard as an aligned text table: rank, mean +- std over seeds, n, schedule. */
export function leaderboardTable(board: Leaderboard): string {
  const rows = board.entries.map((e) => [String(e.rank), `${e.mean.toFixed(4)} ± ${e.std.toFixed(4)}`, String(e.n), describeSchedule(e.schedule)]);
  return renderTable([{ header: 'rank', align: 'right' }, { header: `${board.metric} (${board.mode})` }, { header: 'n', align: 'right' }, { header: 'schedule' }], rows);
}
