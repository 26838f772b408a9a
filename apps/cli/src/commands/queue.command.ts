// `lrsweep queue`: the trial queue's counts and how many workers are connected.
import type { QueueCounts } from '@lrsweep/contracts';
import { parseApiCommand, SHARED_HELP } from '../api-client.ts';
import { print, printJson } from '../format/output.ts';
import { renderFields } from '../format/table.ts';

const HELP = `usage: lrsweep queue

The trial queue (BullMQ): jobs waiting, active, completed, failed and delayed, and the number
of workers connected to it.

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
  const width = Math.max(...keys.map((k) => String(q[k]).length));
  print(renderFields(keys.map((k) => [k, String(q[k]).padStart(width)])));
  return 0;
}
