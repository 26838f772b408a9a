// `lrsweep submit FILE [--watch]`: POST a JSON or YAML sweep file; --watch follows it to the end
// by polling the REST API (no event stream needed) and prints the leaderboard.
import { setTimeout as delay } from 'node:timers/promises';
import { FINISHED_SWEEP_STATUSES, type Leaderboard } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, listAllTrials, seg, type ApiClient, type SweepDetail } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { describeSchedule } from '@lrsweep/schedules';
import { leaderboardTable } from '../leaderboard-table.ts';
import { LiveRegion } from '../format/live-region.ts';
import { print, printJson, stdoutPalette } from '../format/output.ts';
import { estimateEta, type ProgressSample } from '../format/progress.ts';
import { finishedTrials, renderWatch } from '../format/watch-view.ts';
import { readSweepFile } from '../sweep-file.ts';

const TERMINAL = new Set<string>(FINISHED_SWEEP_STATUSES);

const OPTIONS = {
  watch: {
    type: 'boolean',
    description: 'follow the sweep: a bar for it and one per running trial, an ETA, then the leaderboard',
  },
  interval: { type: 'number', value: 'S', min: 0.05, max: 3600, default: 1, description: 'seconds between polls while watching' },
  ...API_OPTIONS,
} as const;

export const command = defineCommand({
  summary: 'submit a JSON or YAML sweep file (--watch: follow it to the leaderboard)',
  args: ['FILE'],
  description: `Submits the sweep in FILE (JSON or YAML, the body of POST /v1/sweeps; - reads stdin) and
prints its id and trial count. With --watch it exits 0 when the sweep completes, 1 when it
ends failed or cancelled; Ctrl-C stops watching, not the sweep.`,
  options: OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const client = apiClient(input);
  const { json, watch: follow, interval } = input.options;
  const body = await readSweepFile(input.args[0]!);
  const created = await client.post<{ id: string; trials: number }>('/v1/sweeps', body);
  if (!follow) {
    if (json) printJson(created);
    else print(`submitted sweep ${created.id}: ${created.trials} trial${created.trials === 1 ? '' : 's'}\nfollow it with: lrsweep status ${created.id}`);
    return 0;
  }
  if (!json) print(`submitted sweep ${created.id}: ${created.trials} trial${created.trials === 1 ? '' : 's'}`);
  const sweep = await watch(client, created.id, interval * 1000, json);
  if (!sweep) {
    process.stderr.write(`\nstopped watching; the sweep keeps running: lrsweep status ${created.id}\n`);
    return 130;
  }
  const board = await client.get<Leaderboard>(`/v1/sweeps/${seg(created.id)}/leaderboard`);
  if (json) printJson({ sweep, leaderboard: board });
  else printOutcome(sweep, board);
  return sweep.status === 'completed' ? 0 : 1;
}

/** Polls until the sweep ends; null when the user pressed Ctrl-C first. */
async function watch(client: ApiClient, id: string, intervalMs: number, quiet: boolean): Promise<SweepDetail | null> {
  const region = new LiveRegion(process.stdout);
  const p = stdoutPalette();
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  let first: ProgressSample | undefined;
  try {
    for (;;) {
      const sweep = await client.get<SweepDetail>(`/v1/sweeps/${seg(id)}`);
      const running = sweep.trials.running > 0 ? await listAllTrials(client, id, 'running') : [];
      const now = { at: Date.now(), finished: finishedTrials(sweep) };
      first ??= now;
      if (!quiet) {
        const frame = {
          sweep,
          running,
          epochs: sweep.spec.task.epochs,
          etaSeconds: TERMINAL.has(sweep.status) ? null : estimateEta(first, now, sweep.trials.total),
          palette: p,
          width: process.stdout.columns || 100,
          maxTrials: Math.max(3, (process.stdout.rows || 24) - 4),
          ...(sweep.halving ? { halving: sweep.halving } : {}),
        };
        // Off a terminal, log a line when the counts change, not every time the ETA ticks.
        region.draw(renderWatch(frame), `${sweep.status} ${JSON.stringify(sweep.trials)} ${JSON.stringify(sweep.halving?.rungs ?? [])}`, sweep.halving ? 2 : 1);
      }
      if (TERMINAL.has(sweep.status)) return sweep;
      try {
        await delay(intervalMs, undefined, { signal: stop.signal });
      } catch {
        return null;
      }
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    region.done();
  }
}

function printOutcome(sweep: SweepDetail, board: Leaderboard): void {
  const p = stdoutPalette();
  print('');
  if (board.entries.length > 0) print(leaderboardTable(board) + '\n');
  const best = board.entries[0];
  if (best) print(`best: ${p.bold(describeSchedule(best.schedule))}  ${board.metric} ${best.mean.toFixed(4)} ± ${best.std.toFixed(4)} over n=${best.n}`);
  if (sweep.status !== 'completed') {
    const t = sweep.trials;
    process.stderr.write(`lrsweep: sweep ${sweep.id} ended ${sweep.status}: ${t.completed} of ${t.total} trials completed, ${t.failed} failed, ${t.diverged} diverged, ${t.cancelled} cancelled, ${t.stopped ?? 0} stopped (lrsweep trials ${sweep.id} shows each)\n`);
  }
}
