// `lrsweep leaderboard ID [--format table|json|csv]`: schedules ranked over seeds.
import type { Leaderboard } from '@lrsweep/contracts';
import { CliError } from '../cli-error.ts';
import { parseApiCommand, seg, SHARED_HELP } from '../api-client.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { leaderboardTable } from '../leaderboard-table.ts';
import { toCsv } from '../format/csv.ts';
import { print, printJson } from '../format/output.ts';

const HELP = `usage: lrsweep leaderboard ID [--format table|json|csv]

The sweep's schedules ranked by the mean final objective over seeds, with the sample std and
the number of seeds n. Trials still running are not counted yet.

options:
  --format F    table (default), json (the API's body) or csv
                (rank,schedule_call,schedule,metric,mode,mean,std,n; schedule as JSON)
${SHARED_HELP}`;

const FORMATS = ['table', 'json', 'csv'] as const;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('leaderboard', argv, { help: HELP, options: { format: { type: 'string' } }, positionals: { min: 1, max: 1 } });
  if (!cmd) return 0;
  const format = cmd.json ? 'json' : (cmd.values.format ?? 'table');
  if (!FORMATS.includes(format as never)) throw new CliError(`leaderboard: --format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  const board = await cmd.client.get<Leaderboard>(`/v1/sweeps/${seg(cmd.positionals[0]!)}/leaderboard`);
  if (format === 'json') printJson(board);
  else if (format === 'csv') process.stdout.write(leaderboardCsv(board));
  else print(board.entries.length ? leaderboardTable(board) : 'no trial of this sweep has completed yet');
  return 0;
}

export function leaderboardCsv(board: Leaderboard): string {
  const header = ['rank', 'schedule_call', 'schedule', 'metric', 'mode', 'mean', 'std', 'n'];
  return toCsv(header, board.entries.map((e) => [e.rank, describeSchedule(e.schedule), JSON.stringify(e.schedule), board.metric, board.mode, e.mean, e.std, e.n]));
}
