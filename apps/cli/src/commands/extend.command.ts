// `lrsweep extend ID FILE`: add schedules and/or seeds to a sweep.
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { print, printJson } from '../format/output.ts';
import { readSweepFile } from '../sweep-file.ts';

export const command = defineCommand({
  summary: 'add the schedules and/or seeds of FILE to a sweep',
  args: ['ID', 'FILE'],
  description: `Adds to the sweep what FILE names (JSON or YAML; - reads stdin): more "schedules" and/or
more "seeds", in the shapes of a sweep file. The task and objective stay the sweep's. New
schedules run with every seed, new seeds with every schedule. What the sweep already has
(the same schedule once PyTorch's defaults are filled in, or a seed it has) is named and
not added.`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

type Reply = { added: number; duplicates: Array<{ path: string; message: string }> };

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const [id, file] = input.args as [string, string];
  const result = await apiClient(input).post<Reply>(`/v1/sweeps/${seg(id)}/extend`, await readSweepFile(file));
  if (input.options.json) {
    printJson(result);
    return 0;
  }
  for (const d of result.duplicates) print(`already in the sweep, not added: ${d.message}`);
  print(`sweep ${id}: ${result.added} trial${result.added === 1 ? '' : 's'} added`);
  return 0;
}
