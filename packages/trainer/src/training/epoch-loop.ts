import type { Scheduler } from './scheduler.types.ts';
import type { Checkpoint, EpochRow, ObjectiveMetric, TrialOutcome } from './train.types.ts';

/** One epoch's work, split from the loop so real and noop trials share stop/report logic. */
export type RunEpoch = (epoch: number) => Promise<{ row: Omit<EpochRow, 'seconds'> } | { diverged: string }>;

export interface EpochLoopOptions {
  trialIndex: number;
  start: number;
  epochs: number;
  scheduler: Scheduler;
  objectiveMetric: ObjectiveMetric;
  lastRow: EpochRow | null;
  runEpoch: RunEpoch;
  checkpoint?: (row: EpochRow) => Checkpoint;
  onEpoch: (trialIndex: number, row: EpochRow, checkpoint?: Checkpoint) => Promise<void> | void;
  shouldStop?: (trialIndex: number) => boolean;
}

/** Runs epochs [start, epochs): stop check, epoch, epoch-interval scheduler step, report. */
export async function runEpochLoop(o: EpochLoopOptions): Promise<TrialOutcome> {
  let last = o.lastRow;
  for (let epoch = o.start; epoch < o.epochs; epoch++) {
    if (o.shouldStop?.(o.trialIndex)) return { status: 'stopped', epoch };
    const t0 = performance.now();
    const result = await o.runEpoch(epoch);
    if ('diverged' in result) return { status: 'diverged', epoch, reason: result.diverged };
    const row: EpochRow = { ...result.row, seconds: (performance.now() - t0) / 1000 };
    // ReduceLROnPlateau reads the metric; the other epoch schedulers ignore it.
    if (o.scheduler.interval === 'epoch') o.scheduler.step(row[o.objectiveMetric]);
    await o.onEpoch(o.trialIndex, row, o.checkpoint?.(row));
    last = row;
  }
  if (!last) throw new RangeError('no epoch ran and the checkpoint carried no row');
  return { status: 'completed', final: last };
}
