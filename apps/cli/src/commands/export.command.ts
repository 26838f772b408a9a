// `lrsweep export ID --format csv|json [--out FILE]`: every epoch of every trial, one row each,
// for pandas, a spreadsheet or a plot.
import { writeFile } from 'node:fs/promises';
import type { Leaderboard, TrialDetail, TrialSummary } from '@lrsweep/contracts';
import { CliError } from '../cli-error.ts';
import { listAllTrials, parseApiCommand, seg, SHARED_HELP, type ApiClient } from '../api-client.ts';
import { describeSchedule } from '../describe-schedule.ts';
import { RANKING_COLUMNS, rankingByTrial } from '../export-ranking.ts';
import { toCsv } from '../format/csv.ts';

const HELP = `usage: lrsweep export ID [--format csv|json] [--out FILE]

Every epoch of every trial of the sweep, one row each, ordered by trial then epoch:
  COLUMNS
schedule_call is the schedule as a PyTorch call; schedule is its JSON spec (a JSON string in
CSV, an object in JSON). lr is the rate in effect at the start of the epoch. Trials that
stopped early (failed, diverged, cancelled) have the epochs they finished. The last columns
are the leaderboard's for the trial's schedule (rank, mean and 95% interval, the difference
to the best and its interval, tied with the best), empty for a trial it does not rank.

options:
  --format F    csv (default) or json (an array of row objects)
  --out FILE    write to FILE instead of stdout
${SHARED_HELP}`;

export const EXPORT_COLUMNS = ['sweep_id', 'trial_id', 'trial_index', 'state', 'schedule_call', 'schedule', 'seed', 'epoch', 'lr', 'train_loss', 'val_loss', 'val_acc', 'seconds', ...RANKING_COLUMNS] as const;

/** Trial details fetched at once: enough to hide latency, few enough not to crowd the API. */
const CONCURRENCY = 8;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('export', argv, {
    help: HELP.replace('COLUMNS', EXPORT_COLUMNS.join(',')),
    options: { format: { type: 'string' }, out: { type: 'string' } },
    positionals: { min: 1, max: 1 },
  });
  if (!cmd) return 0;
  const format = cmd.json ? 'json' : (cmd.values.format ?? 'csv');
  if (format !== 'csv' && format !== 'json') throw new CliError(`export: --format must be csv or json, got '${format}'`);
  const id = cmd.positionals[0]!;
  const trials = await listAllTrials(cmd.client, id);
  const details = await fetchDetails(cmd.client, trials);
  const rankingOf = rankingByTrial(await cmd.client.get<Leaderboard>(`/v1/sweeps/${seg(id)}/leaderboard`));
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
      seconds: e.seconds,
      ...rankingOf(t.id),
    })),
  );
  const text =
    format === 'json'
      ? JSON.stringify(rows, null, 2) + '\n'
      : toCsv([...EXPORT_COLUMNS], rows.map((r) => EXPORT_COLUMNS.map((c) => (c === 'schedule' ? JSON.stringify(r.schedule) : r[c]))));
  if (!cmd.values.out) {
    process.stdout.write(text);
    return 0;
  }
  try {
    await writeFile(cmd.values.out, text);
  } catch (err) {
    throw new CliError(`cannot write ${cmd.values.out}: ${(err as Error).message}`);
  }
  // Talk goes to stderr, so stdout stays data only even when a script captures both.
  process.stderr.write(`wrote ${rows.length} rows (${trials.length} trials) to ${cmd.values.out}\n`);
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
