// `lrsweep rerun ID [--state S]... [--fresh]`: put a sweep's failed and cancelled trials back on the queue.
import { RERUN_STATES } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { print, printJson } from '../format/output.ts';

const OPTIONS = {
  state: {
    type: 'string',
    value: 'S',
    choices: RERUN_STATES,
    multiple: true,
    description: 'a state to rerun; repeat for several (default: failed and cancelled; diverged only when named)',
  },
  fresh: { type: 'boolean', description: 'start the trials over from epoch 0 instead of resuming' },
  ...API_OPTIONS,
} as const;

export const command = defineCommand({
  summary: "run a sweep's failed and cancelled trials again",
  args: ['ID'],
  description: `Runs the sweep's failed and cancelled trials again. Each resumes from its last checkpoint
where it has one (a trial cancelled after epoch 6 of 10 trains epochs 7-10); the epochs it
trains again replace their rows. The sweep goes back to running; queued and running trials
are left alone.`,
  options: OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const id = input.args[0]!;
  const { state, fresh } = input.options;
  const body = { ...(state.length ? { states: state } : {}), ...(fresh ? { fresh: true } : {}) };
  const result = await apiClient(input).post<{ requeued: number }>(`/v1/sweeps/${seg(id)}/rerun`, body);
  if (input.options.json) printJson(result);
  else if (result.requeued === 0) print(`sweep ${id}: no trial to rerun`);
  else print(`sweep ${id}: ${result.requeued} trial${result.requeued === 1 ? '' : 's'} queued again\nfollow it with: lrsweep status ${id}`);
  return 0;
}
