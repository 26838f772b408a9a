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

/** Puts weights, optimizer slots and scheduler state back; `path` prefixes config errors. */
export function restoreCheckpoint(state: TrialState, ckpt: Checkpoint, path: string): void {
  const params = state.model?.params ?? [];
  if (ckpt.weights.length !== params.length) {
    throw new TrainerConfigError(`${path}/weights`, `has ${ckpt.weights.length} tensors, the model has ${params.length}`);
  }
  params.forEach((p, i) => {
    const values = ckpt.weights[i]!;
    if (values.length !== p.size) {
      throw new TrainerConfigError(`${path}/weights/${i}`, `has ${values.length} values, the model needs ${p.size}`);
    }
    tf.tidy(() => p.assign(tf.tensor(values, p.shape)));
  });
  state.optimizer?.setState(ckpt.optimizerState);
  state.scheduler.loadStateDict(ckpt.schedulerState);
}
