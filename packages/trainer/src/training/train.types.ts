import type { DatasetName, EpochRow as ReportedEpochRow, Metric } from '@lrsweep/contracts';
import type { ModelSpec } from '../models/model.types.ts';
import type { OptimizerSpec, OptimizerState } from '../optimizers/optimizer.types.ts';
import type { SchedulerState, ScheduleSpec } from './scheduler.types.ts';

export interface TrainTask {
  dataset: DatasetName;
  model: ModelSpec;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
}

/**
 * One epoch's metrics, spelled as PyTorch and W&B users read them (`val_loss`), the same from
 * the trainer through the worker and Postgres to the API: the one shape lives in contracts.
 * `lr` is the lr in effect at the start of the epoch. The built-in trainer reports all three
 * metrics, where a script may report any (contracts' EpochRow has them nullable).
 */
export type EpochRow = Omit<ReportedEpochRow, 'train_loss' | 'val_loss' | 'val_acc' | 'metrics'> & { train_loss: number; val_loss: number; val_acc: number };

/**
 * Everything needed to continue a trial after `epoch`, the same from every backend. It travels
 * as bytes (encodeCheckpoint / decodeCheckpoint in checkpoint-codec.ts), never as JSON.
 */
export interface Checkpoint {
  format: 2;
  /** The last completed epoch; a resumed trial starts at `epoch + 1`. */
  epoch: number;
  /** That epoch's row, so a resume with nothing left to train still has a final row. */
  row: EpochRow;
  backend: string;
  /** float32 values per model variable, in model order: a copy training no longer touches. */
  weights: Float32Array[];
  optimizerState: OptimizerState;
  schedulerState: SchedulerState;
  /** Data order is drawn from (seed, epoch), so the seed is the whole RNG state. */
  rng: { algorithm: 'mulberry32'; seed: number };
}

export interface TrialInput {
  schedule: ScheduleSpec;
  seed: number;
  resume?: Checkpoint;
}

export type TrialOutcome =
  | { status: 'completed'; final: EpochRow }
  /** `epoch`: the epoch whose loss went NaN/infinite; it was not reported. */
  | { status: 'diverged'; epoch: number; reason: string }
  /** `epoch`: the first epoch not run. */
  | { status: 'stopped'; epoch: number };

export type ObjectiveMetric = Metric;

export interface TrainOptions {
  task: TrainTask;
  /** Trials of the same task: packed together on the blas backend (same seed: one data order), else one after another. */
  trials: TrialInput[];
  /** The metric passed to epoch-interval schedulers (ReduceLROnPlateau). @defaultValue 'val_loss' */
  objectiveMetric?: ObjectiveMetric;
  /** Build a checkpoint after every epoch and pass it to `onEpoch`; costs a weight copy. @defaultValue false */
  checkpoint?: boolean;
  /** noop backend only: milliseconds to sleep per epoch. @defaultValue 0 */
  noopEpochMs?: number;
  onEpoch: (trialIndex: number, row: EpochRow, checkpoint?: Checkpoint) => Promise<void> | void;
  /** Checked before every epoch; true ends the trial as 'stopped'. */
  shouldStop?: (trialIndex: number) => boolean;
}
