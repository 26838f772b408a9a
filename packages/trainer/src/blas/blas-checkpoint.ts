import { TrainerConfigError } from '../errors.ts';
import type { Scheduler } from '../training/scheduler.types.ts';
import type { Checkpoint, EpochRow } from '../training/train.types.ts';
import type { BlasOptimizer } from './blas-optimizer.ts';

/** What a blas trial's checkpoint is made of: its parameter views (model order) and state. */
export interface BlasTrialState {
  params: readonly Float32Array[];
  optimizer: BlasOptimizer;
  scheduler: Scheduler;
  seed: number;
}

/**
 * The one place a blas trial's checkpoint is built: the format of every backend (weights in
 * model order, so a packed trial's checkpoint resumes alone, and on wasm).
 */
export function makeBlasCheckpoint(row: EpochRow, t: BlasTrialState): Checkpoint {
  return {
    format: 2,
    epoch: row.epoch,
    row,
    backend: 'blas',
    // Copies: training updates the params in place.
    weights: t.params.map((p) => p.slice()),
    optimizerState: t.optimizer.getState(),
    schedulerState: structuredClone(t.scheduler.stateDict()),
    rng: { algorithm: 'mulberry32', seed: t.seed },
  };
}

/** Weights (into the views, in place), optimizer slots and scheduler state from a checkpoint of either path. */
export function restoreBlasCheckpoint(t: BlasTrialState, ckpt: Checkpoint, path: string): void {
  if (ckpt.weights.length !== t.params.length) {
    throw new TrainerConfigError(`${path}/weights`, `has ${ckpt.weights.length} tensors, the model has ${t.params.length}`);
  }
  t.params.forEach((p, i) => {
    const values = ckpt.weights[i]!;
    if (values.length !== p.length) {
      throw new TrainerConfigError(`${path}/weights/${i}`, `has ${values.length} values, the model needs ${p.length}`);
    }
    p.set(values);
  });
  t.optimizer.setState(ckpt.optimizerState, `${path}/optimizerState`);
  t.scheduler.loadStateDict(ckpt.schedulerState);
}
