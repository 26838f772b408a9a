import { checkpointWeights } from '../training/checkpoint.ts';
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
  const weights = checkpointWeights(ckpt, t.params.map((p) => p.length), path);
  t.params.forEach((p, i) => p.set(weights[i]!));
  t.optimizer.setState(ckpt.optimizerState, `${path}/optimizerState`);
  t.scheduler.loadStateDict(ckpt.schedulerState);
}
