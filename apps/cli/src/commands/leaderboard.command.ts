// `lrsweep leaderboard ID [--format table|json|csv]`: schedules ranked over seeds.
import type { Leaderboard } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { leaderboardCsv, leaderboardTable } from '../leaderboard-table.ts';
import { print, printJson } from '../format/output.ts';

const OPTIONS = {
  format: {
    type: 'string',
    value: 'F',
    choices: ['table', 'json', 'csv'],
    default: 'table',
    description: `json is the API's body; csv has rank,schedule_call,schedule,metric,mode,mean,std,n,ci_lo,ci_hi,
vs_best_diff,vs_best_lo,vs_best_hi,vs_best_method,vs_best_pairs,tied_with_best,diverged,failed
(schedule as JSON)`,
  },
  ...API_OPTIONS,
} as const;

export const command = defineCommand({
  summary: "a sweep's schedules ranked over seeds",
  args: ['ID'],
  description: `The sweep's schedules ranked by the mean final objective over seeds, with its 95% interval,
the number of seeds n (and any that diverged or failed), the difference to the best paired by
seed with its 95% interval, and 'tied' where that interval holds 0: the seeds cannot tell it
from the best. Trials still running are not counted yet.`,
  options: OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const format = input.options.json ? 'json' : input.options.format;
  const board = await apiClient(input).get<Leaderboard>(`/v1/sweeps/${seg(input.args[0]!)}/leaderboard`);
  if (format === 'json') printJson(board);
  else if (format === 'csv') process.stdout.write(leaderboardCsv(board));
  else print(board.entries.length ? leaderboardTable(board) : 'no trial of this sweep has completed yet');
  return 0;
}
