import type { Dataset } from '../datasets/dataset.types.ts';
import { STREAM, deriveSeed, mulberry32 } from '../rng.ts';
import type { TrainTask } from '../training/train.types.ts';
import { createPackedMlp } from './packed-mlp.model.ts';
import type { PackedNet } from './packed-net.types.ts';

/** The models the blas path trains natively; the rest train on tfjs. */
export const packableModel = (task: TrainTask): boolean => task.model.type === 'mlp';

/** Parameters one trial of `task` has (what a net holds per trial, to size packs). */
export function parametersPerTrial(task: TrainTask, dataset: Dataset): number {
  if (task.model.type !== 'mlp') throw new RangeError(`the blas path trains mlp models, not '${task.model.type}'`);
  const sizes = [dataset.features, ...task.model.hidden, dataset.classes];
  return sizes.slice(1).reduce((sum, out, l) => sum + (sizes[l]! + 1) * out, 0);
}

/**
 * `n` trials of `task` sharing `seed`: one init drawn from the seed's init stream (the tfjs
 * models' draws, so weights are bit-identical across backends), copied to every trial.
 */
export function createPackedNet(task: TrainTask, dataset: Dataset, seed: number, n: number): PackedNet {
  const rand = mulberry32(deriveSeed(seed, STREAM.init));
  if (task.model.type === 'mlp') return createPackedMlp(dataset.features, task.model.hidden, dataset.classes, rand, n);
  throw new RangeError(`the blas path trains mlp models, not '${task.model.type}'`);
}
