// `lrsweep trials ID [--state S]`: every trial of a sweep, paged through the API.
import { TRIAL_STATES, type TrialSummary } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, listAllTrials, seg, type SweepDetail } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { paintState } from '../format/color.ts';
import { formatMetric, print, printJson, stdoutPalette } from '../format/output.ts';
import { renderTable } from '../format/table.ts';

const OPTIONS = {
  state: { type: 'string', value: 'S', choices: TRIAL_STATES, description: 'only trials in state S' },
  ...API_OPTIONS,
} as const;

export const command = defineCommand({
  summary: "a sweep's trials",
  args: ['ID'],
  description: `Every trial of the sweep: index, state, seed, epochs done, final metrics, seconds, worker and
schedule, and for a trial the sweep added after it started (a seed race's next seed) why it was
added (--json: the API's trial objects, as one array).`,
  options: OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const client = apiClient(input);
  const { state } = input.options;
  const id = input.args[0]!;
  // The sweep first: an unknown id is one clear 404, and its spec gives the epochs per trial.
  const sweep = await client.get<SweepDetail>(`/v1/sweeps/${seg(id)}`);
  const trials = await listAllTrials(client, id, state);
  if (input.options.json) {
    printJson(trials);
    return 0;
  }
  if (trials.length === 0) {
    print(state ? `no ${state} trials` : 'no trials');
    return 0;
  }
  print(trialsTable(trials, sweep.spec.task.epochs));
  return 0;
}

/** The trials as a table; exported for its test. */
export function trialsTable(trials: TrialSummary[], epochs: number): string {
  const p = stdoutPalette();
  const rows = trials.map((t) => [
    String(t.index),
    paintState(p, t.state),
    String(t.seed),
    `${t.epochsDone}/${epochs}`,
    formatMetric(t.metrics.val_loss),
    formatMetric(t.metrics.val_acc),
    formatMetric(t.metrics.train_loss),
    t.seconds === null ? '-' : t.seconds.toFixed(1),
    t.worker ?? '-',
    describeSchedule(t.schedule) + (t.error ? p.dim(`  (${t.error.split('\n')[0]})`) : '') + (t.reason ? p.dim(`  added: ${t.reason}`) : ''),
  ]);
  const right = (header: string) => ({ header, align: 'right' as const });
  return renderTable(
    [right('#'), { header: 'state' }, right('seed'), right('epochs'), right('val_loss'), right('val_acc'), right('train_loss'), right('seconds'), { header: 'worker' }, { header: 'schedule' }],
    rows,
  );
}
