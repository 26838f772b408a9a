import type { Scheduler } from './scheduler.types.ts';
import type { Checkpoint, EpochRow, TrainOptions, TrialOutcome } from './train.types.ts';

/** One epoch's work, split from the loop so real and noop trials share stop/report logic. */
export type RunEpoch = (epoch: number) => Promise<{ row: Omit<EpochRow, 'seconds'> } | { diverged: string }>;

export interface EpochLoopOptions {
  /** The call's options and which of its trials this is: start, length, metric and callbacks come from them. */
  opts: TrainOptions;
  trialIndex: number;
  scheduler: Scheduler;
  runEpoch: RunEpoch;
  /** Builds a checkpoint after an epoch; called only when `opts.checkpoint` asks for them. */
  makeCheckpoint: (row: EpochRow) => Checkpoint;
}

/** Runs epochs [start, epochs): stop check, epoch, epoch-interval scheduler step, report. */
export async function runEpochLoop(o: EpochLoopOptions): Promise<TrialOutcome> {
  const { opts, trialIndex, scheduler } = o;
  const resume = opts.trials[trialIndex]?.resume;
  const metric = opts.objectiveMetric ?? 'val_loss';
  let last = resume?.row ?? null;
  for (let epoch = resume ? resume.epoch + 1 : 0; epoch < opts.task.epochs; epoch++) {
    if (opts.shouldStop?.(trialIndex)) return { status: 'stopped', epoch };
    const t0 = performance.now();
    const result = await o.runEpoch(epoch);
    if ('diverged' in result) return { status: 'diverged', epoch, reason: result.diverged };
    const row: EpochRow = { ...result.row, seconds: (performance.now() - t0) / 1000 };
    // ReduceLROnPlateau reads the metric; the other epoch schedulers ignore it.
    if (scheduler.interval === 'epoch') scheduler.step(row[metric]);
    await opts.onEpoch(trialIndex, row, opts.checkpoint ? o.makeCheckpoint(row) : undefined);
    last = row;
  }
  if (!last) throw new RangeError('no epoch ran and the checkpoint carried no row');
  return { status: 'completed', final: last };
}
