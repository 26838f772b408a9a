import * as tf from '@tensorflow/tfjs';
import { TrainerConfigError } from '../errors.ts';
import type { Model } from '../models/model.types.ts';
import type { Optimizer } from '../optimizers/optimizer.types.ts';
import type { Scheduler } from './scheduler.types.ts';
import type { Checkpoint, EpochRow } from './train.types.ts';

export interface TrialState {
  model: Model | null;
  optimizer: Optimizer | null;
  scheduler: Scheduler;
  seed: number;
  backend: string;
}

export function makeCheckpoint(state: TrialState, row: EpochRow): Checkpoint {
  return {
    format: 2,
    epoch: row.epoch,
    row,
    backend: state.backend,
    // Tensors are immutable (assign swaps in a new one): these arrays never change after.
    weights: state.model ? state.model.params.map((p) => p.dataSync() as Float32Array) : [],
    optimizerState: state.optimizer?.getState() ?? { type: 'SGD', step: 0, slots: {} },
    // A copy, so a later step() cannot mutate what we handed out.
    schedulerState: structuredClone(state.scheduler.stateDict()),
    rng: { algorithm: 'mulberry32', seed: state.seed },
  };
}

/**
 * A checkpoint's weights, checked against the model's tensor sizes (either backend's: one
 * checkpoint format); `path` prefixes config errors.
 */
export function checkpointWeights(ckpt: Checkpoint, sizes: readonly number[], path: string): Float32Array[] {
  if (ckpt.weights.length !== sizes.length) {
    throw new TrainerConfigError(`${path}/weights`, `has ${ckpt.weights.length} tensors, the model has ${sizes.length}`);
  }
  ckpt.weights.forEach((values, i) => {
    if (values.length !== sizes[i]) {
      throw new TrainerConfigError(`${path}/weights/${i}`, `has ${values.length} values, the model needs ${sizes[i]}`);
    }
  });
  return ckpt.weights;
}

/** Puts weights, optimizer slots and scheduler state back; `path` prefixes config errors. */
export function restoreCheckpoint(state: TrialState, ckpt: Checkpoint, path: string): void {
  const params = state.model?.params ?? [];
  const weights = checkpointWeights(ckpt, params.map((p) => p.size), path);
  params.forEach((p, i) => tf.tidy(() => p.assign(tf.tensor(weights[i]!, p.shape))));
  state.optimizer?.setState(ckpt.optimizerState);
  state.scheduler.loadStateDict(ckpt.schedulerState);
}
