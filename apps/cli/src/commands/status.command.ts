// `lrsweep status [ID]`: one sweep in detail, or the recent sweeps as a table.
import type { SweepSummary } from '@lrsweep/contracts';
import { API_ENVIRONMENT, API_OPTIONS, apiClient, seg, type ApiClient, type SweepDetail } from '../api-client.ts';
import { defineCommand, type CommandInput } from '../command.ts';
import { paintState, type Palette } from '../format/color.ts';
import { formatTime, print, printJson, stdoutPalette } from '../format/output.ts';
import { formatDuration, percent, progressBar } from '../format/progress.ts';
import { renderFields, renderTable } from '../format/table.ts';
import { finishedTrials } from '../format/watch-view.ts';

const OPTIONS = {
  limit: { type: 'integer', value: 'N', min: 1, max: 500, default: 20, description: 'how many recent sweeps to list' },
  ...API_OPTIONS,
} as const;

export const command = defineCommand({
  summary: 'one sweep in detail, or the recent sweeps',
  args: ['[ID]'],
  description: `With a sweep ID: its status, trial counts, progress and times. Without: the most recent
sweeps, newest first.`,
  options: OPTIONS,
  environment: API_ENVIRONMENT,
  run,
});

async function run(input: CommandInput<typeof OPTIONS>): Promise<number> {
  const client = apiClient(input);
  const { json, limit } = input.options;
  const [id] = input.args;
  if (id) return showOne(client, id, json);
  const list = await client.get<{ items: SweepSummary[]; total: number }>(`/v1/sweeps?pageSize=${limit}`);
  if (json) {
    printJson(list);
    return 0;
  }
  if (list.items.length === 0) {
    print('no sweeps yet: submit one with lrsweep submit FILE');
    return 0;
  }
  const p = stdoutPalette();
  const rows = list.items.map((s) => [s.id, s.name, paintState(p, s.status), `${progressBar(s.progress, 10)} ${percent(s.progress)}`, `${finishedTrials(s)}/${s.trials.total}`, formatTime(s.createdAt)]);
  print(renderTable([{ header: 'id' }, { header: 'name' }, { header: 'status' }, { header: 'progress' }, { header: 'trials', align: 'right' }, { header: 'created' }], rows));
  if (list.total > list.items.length) print(p.dim(`(${list.items.length} of ${list.total} sweeps; --limit N shows more)`));
  return 0;
}

async function showOne(client: ApiClient, id: string, json: boolean): Promise<number> {
  const sweep = await client.get<SweepDetail>(`/v1/sweeps/${seg(id)}`);
  if (json) {
    printJson(sweep);
    return 0;
  }
  print(sweepFields(sweep, stdoutPalette()));
  return 0;
}

/** A seed race's bounds and what it does; nothing for a sweep with fixed seeds. */
function raceField(s: SweepDetail): [string, string][] {
  const seeds = s.spec.seeds;
  if (typeof seeds !== 'object' || Array.isArray(seeds)) return [];
  return [['seeds', `race: ${seeds.min} per schedule, then one more at a time to those still tied with the best, up to ${seeds.max} (lrsweep trials ID says why each was added)`]];
}

/** A sweep as `label  value` lines; submit --watch ends with it too. */
export function sweepFields(s: SweepDetail, p: Palette): string {
  const t = s.trials;
  const counts = (['completed', 'running', 'queued', 'failed', 'diverged', 'cancelled', 'stopped'] as const).filter((k) => (t[k] ?? 0) > 0).map((k) => `${t[k]} ${k}`);
  const took = s.startedAt ? formatDuration(((s.finishedAt ? Date.parse(s.finishedAt) : Date.now()) - Date.parse(s.startedAt)) / 1000) : null;
  // Read loosely: task kinds grow (built-in datasets, users' own trainers) and this is display only.
  const task = s.spec.task as { dataset?: string; trainer?: string; epochs: number; optimizer: { type: string; lr: unknown } };
  // A searched lr is an axis or a distribution; each trial shows the lr it drew.
  const lr = typeof task.optimizer.lr === 'number' ? task.optimizer.lr : JSON.stringify(task.optimizer.lr);
  const search = s.spec.search && s.spec.search.method !== 'grid' ? s.spec.search : undefined;
  const fields: [string, string][] = [
    ['id', s.id],
    ['name', p.bold(s.name)],
    ['status', paintState(p, s.status)],
    ['trials', `${t.total}${counts.length ? ` (${counts.join(', ')})` : ''}`],
    ['progress', `${progressBar(s.progress, 24)} ${percent(s.progress)}`],
    ...raceField(s),
    ['objective', `${s.objective.metric} (${s.objective.mode})`],
    ['task', `${task.dataset ?? `trainer ${task.trainer}`}, ${task.epochs} epochs, ${task.optimizer.type} lr=${lr}`],
    ...(search ? [['search', `${search.method}, ${search.count} per schedule entry, seed ${search.seed ?? 0}`] as [string, string]] : []),
    ['created', formatTime(s.createdAt)],
    ['started', formatTime(s.startedAt)],
    ['finished', s.finishedAt ? `${formatTime(s.finishedAt)} (took ${took})` : took ? `- (running for ${took})` : '-'],
  ];
  return renderFields(fields);
}
