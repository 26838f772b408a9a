// `lrsweep leaderboard ID [--format table|json|csv]`: schedules ranked over seeds.
import type { Leaderboard } from '@lrsweep/contracts';
import { CliError } from '../cli-error.ts';
import { parseApiCommand, seg, SHARED_HELP } from '../api-client.ts';
import { leaderboardCsv, leaderboardTable } from '../leaderboard-table.ts';
import { print, printJson } from '../format/output.ts';

const HELP = `usage: lrsweep leaderboard ID [--format table|json|csv]

The sweep's schedules ranked by the mean final objective over seeds, with its 95% interval,
the number of seeds n (and any that diverged or failed), the difference to the best paired by
seed with its 95% interval, and 'tied' where that interval holds 0: the seeds cannot tell it
from the best. Trials still running are not counted yet.

options:
  --format F    table (default), json (the API's body) or csv
                (rank,schedule_call,schedule,metric,mode,mean,std,n,ci_lo,ci_hi,
                vs_best_diff,vs_best_lo,vs_best_hi,vs_best_method,vs_best_pairs,
                tied_with_best,diverged,failed; schedule as JSON)
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
