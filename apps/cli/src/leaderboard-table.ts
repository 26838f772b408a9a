import type { Leaderboard } from '@lrsweep/contracts';
import { describeSchedule } from './describe-schedule.ts';

/** The leaderboard as an aligned text table: rank, mean +- std over seeds, n, schedule. */
export function leaderboardTable(board: Leaderboard): string {
  const rows = board.entries.map((e) => [String(e.rank), `${e.mean.toFixed(4)} ± ${e.std.toFixed(4)}`, String(e.n), describeSchedule(e.schedule)]);
  const header = ['rank', `${board.metric} (${board.mode})`, 'n', 'schedule'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
