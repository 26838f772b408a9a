import { createScheduler } from '@lrsweep/schedules';
import { trainWith } from './training/train.ts';
import type { TrainOptions, TrialOutcome } from './training/train.types.ts';

export { BACKENDS, type BackendInfo, type BackendName } from './backends/backend.types.ts';
export { activeBackend, selectBackend } from './backends/select-backend.ts';
export { DATASETS, DATASET_SIZES, type Dataset, type DatasetName, type Split } from './datasets/dataset.types.ts';
export { loadDataset } from './datasets/load-dataset.ts';
export { BackendUnavailableError, CheckpointFormatError, TrainerConfigError } from './errors.ts';
export { decodeCheckpoint, encodeCheckpoint } from './training/checkpoint-codec.ts';
export { fromLegacyJsonCheckpoint, isLegacyJsonCheckpoint, type LegacyJsonCheckpoint } from './training/legacy-checkpoint.ts';
export { MODEL_TYPES, type ModelSpec } from './models/model.types.ts';
export { OPTIMIZER_TYPES, type OptimizerSpec, type OptimizerState } from './optimizers/optimizer.types.ts';
export type { Interval, SchedulerState, ScheduleSpec } from './training/scheduler.types.ts';
// What lr a schedule gives, for trials a user's script trains (the worker's script runner):
// the check of the lrs a script reports, the lambda tables a script's schedules read, and
// whether a schedule steps per epoch or per batch.
export { naturalInterval, rescaleSchedule, type TrajectoryCase } from '@lrsweep/schedules';
export { tabulateExpressions } from './script/lambda-tables.ts';
export { LrCheck } from './script/lr-check.ts';
export type {
  Checkpoint,
  EpochRow,
  ObjectiveMetric,
  TrainOptions,
  TrainTask,
  TrialInput,
  TrialOutcome,
} from './training/train.types.ts';

/**
 * Trains every trial of `opts.trials` on the active backend (the default one is selected on
 * first use), with schedulers from @lrsweep/schedules, and resolves to one outcome per trial.
 * Rows go to `onEpoch` as each epoch ends; a rejected `onEpoch` aborts the whole call.
 */
export function train(opts: TrainOptions): Promise<TrialOutcome[]> {
  return trainWith(opts, createScheduler);
}
