// `lrsweep cancel ID`: stop a sweep; queued trials go at once, running ones at their next epoch.
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg, type SweepDetail } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { print, printJson } from '../format/output.ts';

export const command = defineCommand({
  summary: 'cancel a sweep',
  args: ['ID'],
  description: `Cancels the sweep: its queued trials are removed from the queue, running ones stop at their
next epoch boundary. Finished trials and their results are kept. A completed or failed sweep
is left as it is.`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const sweep = await apiClient(input).post<SweepDetail>(`/v1/sweeps/${seg(input.args[0]!)}/cancel`);
  if (input.options.json) {
    printJson(sweep);
    return 0;
  }
  if (sweep.status !== 'cancelled') {
    print(`sweep ${sweep.id} is already ${sweep.status}; nothing to cancel`);
    return 0;
  }
  const t = sweep.trials;
  const running = t.running ? `; ${t.running} running stop at their next epoch` : '';
  print(`cancelled sweep ${sweep.id} (${sweep.name}): ${t.cancelled} trial${t.cancelled === 1 ? '' : 's'} cancelled${running}; ${t.completed} completed kept`);
  return 0;
}
