import type { HalvingProgress, SweepSummary, TrialSummary } from '@lrsweep/contracts';
import { describeSchedule } from '@lrsweep/schedules';
import { paintState, visibleLength, type Palette } from './color.ts';
import { formatDuration, percent, progressBar } from './progress.ts';

export interface WatchFrame {
  sweep: SweepSummary;
  /** the sweep's running trials, as GET /v1/sweeps/:id/trials?state=running lists them */
  running: TrialSummary[];
  /** epochs each trial trains (the sweep's task.epochs) */
  epochs: number;
  etaSeconds: number | null;
  palette: Palette;
  /** terminal columns: lines are cut to fit, so redrawing in place never wraps */
  width: number;
  /** most running-trial lines to show; the rest are counted in one line */
  maxTrials: number;
  /** a successive-halving sweep's rungs so far (GET /v1/sweeps/:id's `halving`) */
  halving?: HalvingProgress;
}

export const finishedTrials = (s: SweepSummary) => s.trials.completed + s.trials.failed + s.trials.diverged + s.trials.cancelled + (s.trials.stopped ?? 0);

/** The sweep's line: what a log reader sees, and the first line on a terminal. */
export function sweepLine(f: WatchFrame): string {
  const { sweep: s, palette: p } = f;
  const t = s.trials;
  const counts = [`running ${t.running}`, `queued ${t.queued}`];
  if (t.failed) counts.push(p.red(`failed ${t.failed}`));
  if (t.diverged) counts.push(p.red(`diverged ${t.diverged}`));
  if (t.cancelled) counts.push(p.yellow(`cancelled ${t.cancelled}`));
  if (t.stopped) counts.push(p.dim(`stopped ${t.stopped}`));
  const eta = f.etaSeconds === null ? '' : `  ETA ${formatDuration(f.etaSeconds)}`;
  return `${p.bold(s.name)} ${paintState(p, s.status)} ${progressBar(s.progress, 24)} ${finishedTrials(s)}/${t.total} trials ${percent(s.progress)}  ${counts.join('  ')}${eta}`;
}

/**
 * Successive halving's rungs so far: `rungs 0 (2 ep): 6 schedules, 4 stopped | 1 (6 ep): 2 schedules  epochs 48 of the grid's 72`.
 */
export function rungsLine(h: HalvingProgress, p: WatchFrame['palette']): string {
  const rungs = h.rungs.map((r) => `${r.rung} (${r.epochs} ep): ${r.configurations} schedule${r.configurations === 1 ? '' : 's'}${r.stopped ? `, ${r.stopped} stopped` : ''}`);
  return `  ${p.bold('rungs')} ${rungs.join(' | ')}  epochs ${h.epochsSpent} of the grid's ${h.gridEpochs}`;
}

/** One line per running trial: its epoch bar (its rung's length in a halving sweep), seed and schedule, cut to the terminal's width. */
export function trialLine(trial: TrialSummary, f: WatchFrame): string {
  const epochs = trial.budgetEpochs ?? f.epochs;
  const done = Math.min(trial.epochsDone, epochs);
  const rung = trial.rung === null || trial.rung === undefined ? '' : `  rung ${trial.rung}`;
  const head = `  #${String(trial.index).padEnd(4)} ${progressBar(epochs > 0 ? done / epochs : 0, 10)} epoch ${done}/${epochs}${rung}  seed ${trial.seed}  `;
  const room = f.width - 1 - visibleLength(head);
  return head + truncate(describeSchedule(trial.schedule), Math.max(8, room));
}

export function renderWatch(f: WatchFrame): string[] {
  const trials = [...f.running].sort((a, b) => a.index - b.index);
  const shown = trials.slice(0, f.maxTrials).map((t) => trialLine(t, f));
  if (trials.length > shown.length) shown.push(f.palette.dim(`  ... and ${trials.length - shown.length} more running`));
  return [sweepLine(f), ...(f.halving ? [rungsLine(f.halving, f.palette)] : []), ...shown];
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}
