// `lrsweep trial ID`: one trial (GET /v1/trials/:id): where and how it trained, and its epochs.
import type { TrialDetail } from '@lrsweep/contracts';
import { describeSchedule } from '@lrsweep/schedules';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { paintState } from '../format/color.ts';
import { formatMetric, print, printJson, stdoutPalette } from '../format/output.ts';
import { renderFields, renderTable } from '../format/table.ts';

export const command = defineCommand({
  summary: 'one trial and its epochs',
  args: ['ID'],
  description: `One trial: its state, schedule, seed, the worker and backend that trained it, the pack it
trained in (trials of one sweep a worker trained together, LRSWEEP_PACK; "-" when it trained
alone), its attempts, final metrics and error, then each epoch's lr and metrics (--json: the
API's trial object).`,
  options: API_OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof API_OPTIONS>): Promise<number> {
  const trial = await apiClient(input).get<TrialDetail>(`/v1/trials/${seg(input.args[0]!)}`);
  if (input.options.json) printJson(trial);
  else print(trialReport(trial));
  return 0;
}

/** The trial as fields, then its epochs as a table; exported for its test. */
export function trialReport(t: TrialDetail): string {
  const p = stdoutPalette();
  const fields: [string, string][] = [
    ['trial', t.id],
    ['sweep', t.sweepId],
    ['state', paintState(p, t.state)],
    ['schedule', describeSchedule(t.schedule)],
    ['seed', String(t.seed)],
    ['epochs', String(t.epochsDone)],
    ['worker', t.worker ?? '-'],
    ['backend', t.backend ?? '-'],
    ['pack', t.pack ? `${t.pack.id} (${t.pack.size} trials)` : '-'],
    ['attempts', String(t.attempts)],
    ['seconds', t.seconds === null ? '-' : t.seconds.toFixed(1)],
    ['val_loss', formatMetric(t.metrics.val_loss)],
    ['val_acc', formatMetric(t.metrics.val_acc)],
    ...(t.error ? [['error', t.error.split('\n')[0]!] as [string, string]] : []),
  ];
  if (t.epochs.length === 0) return renderFields(fields);
  const right = (header: string) => ({ header, align: 'right' as const });
  const rows = t.epochs.map((e) => [String(e.epoch), e.lr.toPrecision(4), formatMetric(e.train_loss), formatMetric(e.val_loss), formatMetric(e.val_acc), e.seconds.toFixed(2)]);
  return `${renderFields(fields)}\n\n${renderTable([right('epoch'), right('lr'), right('train_loss'), right('val_loss'), right('val_acc'), right('seconds')], rows)}`;
}
