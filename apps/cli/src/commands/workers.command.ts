// `lrsweep workers`: the live training workers, as each last reported itself to the registry.
import type { WorkerList } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, ApiCallError, apiClient } from '../api-client.ts';
import { CliError } from '../cli-error.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { print, printJson } from '../format/output.ts';
import { formatDuration } from '../format/progress.ts';
import { renderTable } from '../format/table.ts';

export const command = defineCommand({
  summary: 'the registered training workers',
  description: `The live training workers (GET /v1/workers): GPU, backend, trials running now and done,
training samples per second over the last epoch, uptime and when each last reported.`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const client = apiClient(input);
  let list: WorkerList;
  try {
    list = await client.get<WorkerList>('/v1/workers');
  } catch (err) {
    // An API older than the worker registry has no such route: say that, not "no route GET ...".
    if (err instanceof ApiCallError && err.status === 404) {
      throw new CliError(`the API at ${client.base} does not list workers (it predates GET /v1/workers); lrsweep queue shows how many are connected`, 1);
    }
    throw err;
  }
  if (input.options.json) {
    printJson(list);
    return 0;
  }
  if (list.items.length === 0) {
    print('no live workers: start one with lrsweep worker (or lrsweep serve --workers N)');
    return 0;
  }
  const now = Date.now();
  const since = (iso: string) => formatDuration((now - Date.parse(iso)) / 1000);
  const rows = list.items.map((w) => [
    w.id,
    w.gpu === null ? '-' : String(w.gpu),
    w.backend ?? '-',
    String(w.currentTrials.length),
    String(w.trialsDone),
    w.samplesPerSecond === null ? '-' : Math.round(w.samplesPerSecond).toLocaleString('en-US'),
    since(w.startedAt),
    `${since(w.lastSeenAt)} ago`,
  ]);
  const right = (header: string) => ({ header, align: 'right' as const });
  print(renderTable([{ header: 'worker' }, right('gpu'), { header: 'backend' }, right('running'), right('done'), right('samples/s'), right('up'), right('last seen')], rows));
  return 0;
}
