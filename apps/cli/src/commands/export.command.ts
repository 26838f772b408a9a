// `lrsweep export ID --format csv|json [--out FILE]`: every epoch of every trial, one row each,
// for pandas, a spreadsheet or a plot.
import { writeFile } from 'node:fs/promises';
import type { Leaderboard, TrialDetail, TrialSummary } from '@lrsweep/contracts';
import { CliError } from '../cli-error.ts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, listAllTrials, seg, type ApiClient } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { metricCells, metricColumns } from '../export-metrics.ts';
import { RANKING_COLUMNS, rankingByTrial } from '../export-ranking.ts';
import { toCsv, type CsvValue } from '../format/csv.ts';

const EPOCH_COLUMNS = ['sweep_id', 'trial_id', 'trial_index', 'state', 'schedule_call', 'schedule', 'seed', 'epoch', 'lr', 'train_loss', 'val_loss', 'val_acc'] as const;
/** A built-in sweep's columns; a script's own metrics come after val_acc, one column each. */
export const EXPORT_COLUMNS = [...EPOCH_COLUMNS, 'seconds', ...RANKING_COLUMNS] as const;

/** Trial details fetched at once: enough to hide latency, few enough not to crowd the API. */
const CONCURRENCY = 8;

const OPTIONS = {
  format: { type: 'string', value: 'F', choices: ['csv', 'json'], default: 'csv', description: 'json is an array of row objects' },
  out: { type: 'string', value: 'FILE', description: 'write to FILE instead of stdout' },
  ...API_OPTIONS,
} as const;

export const command = defineCommand({
  summary: 'every epoch of every trial as CSV or JSON (--out FILE)',
  args: ['ID'],
  description: `Every epoch of every trial of the sweep, one row each, ordered by trial then epoch:
  ${EXPORT_COLUMNS.join(',')}
schedule_call is the schedule as a PyTorch call; schedule is its JSON spec (a JSON string in
CSV, an object in JSON). lr is the rate in effect at the start of the epoch. A metric a
script reported besides train_loss, val_loss and val_acc gets a column of its own after
val_acc (named metrics.NAME if NAME is already a column); a metric an epoch did not report
is empty. Trials that
stopped early (failed, diverged, cancelled) have the epochs they finished. The last columns
are the leaderboard's for the trial's schedule (rank, mean and 95% interval, the difference
to the best and its interval, tied with the best), empty for a trial it does not rank.`,
  options: OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const client = apiClient(input);
  const { out } = input.options;
  const format = input.options.json ? 'json' : input.options.format;
  const id = input.args[0]!;
  const trials = await listAllTrials(client, id);
  const details = await fetchDetails(client, trials);
  const rankingOf = rankingByTrial(await client.get<Leaderboard>(`/v1/sweeps/${seg(id)}/leaderboard`));
  const metrics = metricColumns(details.flatMap((t) => t.epochs), EXPORT_COLUMNS);
  const columns = [...EPOCH_COLUMNS, ...metrics.map((m) => m.column), 'seconds', ...RANKING_COLUMNS];
  const rows = details.flatMap((t) =>
    t.epochs.map((e) => ({
      sweep_id: t.sweepId,
      trial_id: t.id,
      trial_index: t.index,
      state: t.state,
      schedule_call: describeSchedule(t.schedule),
      schedule: t.schedule,
      seed: t.seed,
      epoch: e.epoch,
      lr: e.lr,
      train_loss: e.train_loss,
      val_loss: e.val_loss,
      val_acc: e.val_acc,
      ...metricCells(e, metrics),
      seconds: e.seconds,
      ...rankingOf(t.id),
    })),
  );
  const text =
    format === 'json'
      ? JSON.stringify(rows, null, 2) + '\n'
      : toCsv(columns, rows.map((r) => columns.map((c) => (c === 'schedule' ? JSON.stringify(r.schedule) : (r as Record<string, unknown> as Record<string, CsvValue>)[c]))));
  if (!out) {
    process.stdout.write(text);
    return 0;
  }
  try {
    await writeFile(out, text);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as Error).message}`);
  }
  // Talk goes to stderr, so stdout stays data only even when a script captures both.
  process.stderr.write(`wrote ${rows.length} rows (${trials.length} trials) to ${out}\n`);
  return 0;
}

async function fetchDetails(client: ApiClient, trials: TrialSummary[]): Promise<TrialDetail[]> {
  const sorted = [...trials].sort((a, b) => a.index - b.index);
  const out: TrialDetail[] = new Array(sorted.length);
  let next = 0;
  const worker = async () => {
    while (next < sorted.length) {
      const i = next++;
      const detail = await client.get<TrialDetail>(`/v1/trials/${seg(sorted[i]!.id)}`);
      out[i] = { ...detail, epochs: [...detail.epochs].sort((a, b) => a.epoch - b.epoch) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sorted.length) }, worker));
  return out;
}
