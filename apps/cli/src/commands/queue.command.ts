// `lrsweep queue`: the trial queues' counts and how many workers are connected to each.
import type { QueueCounts } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { print, printJson } from '../format/output.ts';
import { renderFields, renderTable } from '../format/table.ts';

export const command = defineCommand({
  summary: 'trial queue counts and connected workers',
  description: `The trial queues (BullMQ): jobs waiting, active, completed, failed and delayed, and the number
of workers connected, for the built-in trainer and then each external trainer by name.`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const q = await apiClient(input).get<QueueCounts>('/v1/queue');
  if (input.options.json) {
    printJson(q);
    return 0;
  }
  const keys = ['waiting', 'active', 'delayed', 'completed', 'failed', 'workers'] as const;
  const trainers = Object.entries(q.trainers ?? {});
  if (trainers.length === 0) {
    const width = Math.max(...keys.map((k) => String(q[k]).length));
    print(renderFields(keys.map((k) => [k, String(q[k]).padStart(width)])));
    return 0;
  }
  // A column per queue: the built-in trainer's, then each external trainer's.
  const columns = [{ header: '' }, ...['built-in', ...trainers.map(([name]) => name)].map((header) => ({ header, align: 'right' as const }))];
  print(renderTable(columns, keys.map((k) => [k, String(q[k]), ...trainers.map(([, c]) => String(c[k]))])));
  return 0;
}
