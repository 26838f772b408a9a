// `lrsweep rerun ID [--state S]... [--fresh]`: put a sweep's failed and cancelled trials back on the queue.
import { parseApiCommand, seg, SHARED_HELP } from '../api-client.ts';
import { print, printJson } from '../format/output.ts';

const HELP = `usage: lrsweep rerun ID [--state S]... [--fresh]

Runs the sweep's failed and cancelled trials again. Each resumes from its last checkpoint
where it has one (a trial cancelled after epoch 6 of 10 trains epochs 7-10); the epochs it
trains again replace their rows. The sweep goes back to running; queued and running trials
are left alone.

options:
  --state S     a state to rerun: failed, cancelled or diverged; repeat for several
                (default: failed and cancelled; diverged only when named)
  --fresh       start the trials over from epoch 0 instead of resuming
${SHARED_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('rerun', argv, {
    help: HELP,
    options: { state: { type: 'string', multiple: true }, fresh: { type: 'boolean', default: false } },
    positionals: { min: 1, max: 1 },
  });
  if (!cmd) return 0;
  const id = cmd.positionals[0]!;
  const states = cmd.values.state;
  const body = { ...(states?.length ? { states } : {}), ...(cmd.values.fresh ? { fresh: true } : {}) };
  const result = await cmd.client.post<{ requeued: number }>(`/v1/sweeps/${seg(id)}/rerun`, body);
  if (cmd.json) printJson(result);
  else if (result.requeued === 0) print(`sweep ${id}: no trial to rerun`);
  else print(`sweep ${id}: ${result.requeued} trial${result.requeued === 1 ? '' : 's'} queued again\nfollow it with: lrsweep status ${id}`);
  return 0;
}
