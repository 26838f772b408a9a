// `lrsweep extend ID FILE`: add schedules and/or seeds to a sweep.
import { parseApiCommand, seg, SHARED_HELP } from '../api-client.ts';
import { print, printJson } from '../format/output.ts';
import { readSweepFile } from '../sweep-file.ts';

const HELP = `usage: lrsweep extend ID FILE

Adds to the sweep what FILE names (JSON or YAML; - reads stdin): more "schedules" and/or
more "seeds", in the shapes of a sweep file. The task and objective stay the sweep's. New
schedules run with every seed, new seeds with every schedule. What the sweep already has
(the same schedule once PyTorch's defaults are filled in, or a seed it has) is named and
not added.

options:
${SHARED_HELP}`;

type Reply = { added: number; duplicates: Array<{ path: string; message: string }> };

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('extend', argv, { help: HELP, positionals: { min: 2, max: 2 } });
  if (!cmd) return 0;
  const [id, file] = cmd.positionals as [string, string];
  const result = await cmd.client.post<Reply>(`/v1/sweeps/${seg(id)}/extend`, await readSweepFile(file));
  if (cmd.json) {
    printJson(result);
    return 0;
  }
  for (const d of result.duplicates) print(`already in the sweep, not added: ${d.message}`);
  print(`sweep ${id}: ${result.added} trial${result.added === 1 ? '' : 's'} added`);
  return 0;
}
