// `lrsweep cancel ID`: stop a sweep; queued trials go at once, running ones at their next epoch.
import { parseApiCommand, seg, SHARED_HELP, type SweepDetail } from '../api-client.ts';
import { print, printJson } from '../format/output.ts';

const HELP = `usage: lrsweep cancel ID

Cancels the sweep: its queued trials are removed from the queue, running ones stop at their
next epoch boundary. Finished trials and their results are kept. A completed or failed sweep
is left as it is.

options:
${SHARED_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('cancel', argv, { help: HELP, positionals: { min: 1, max: 1 } });
  if (!cmd) return 0;
  const sweep = await cmd.client.post<SweepDetail>(`/v1/sweeps/${seg(cmd.positionals[0]!)}/cancel`);
  if (cmd.json) {
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
