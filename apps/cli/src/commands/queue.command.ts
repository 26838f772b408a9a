// `lrsweep queue`: the trial queues' counts and how many workers are connected to each.
import type { QueueCounts } from '@lrsweep/contracts';
import { parseApiCommand, SHARED_HELP } from '../api-client.ts';
import { print, printJson } from '../format/output.ts';
import { renderFields, renderTable } from '../format/table.ts';

const HELP = `usage: lrsweep queue

The trial queues (BullMQ): jobs waiting, active, completed, failed and delayed, and the number
of workers connected, for the built-in trainer and then each external trainer by name.

options:
${SHARED_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('queue', argv, { help: HELP, positionals: { min: 0, max: 0 } });
  if (!cmd) return 0;
  const q = await cmd.client.get<QueueCounts>('/v1/queue');
  if (cmd.json) {
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
