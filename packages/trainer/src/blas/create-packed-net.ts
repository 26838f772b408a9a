import type { Dataset } from '../datasets/dataset.types.ts';
import { DEFAULT_CNN_CHANNELS } from '../models/cnn.model.ts';
import { STREAM, deriveSeed, mulberry32 } from '../rng.ts';
import type { TrainTask } from '../training/train.types.ts';
import { createPackedCnn, type PackedCnnSpec } from './packed-cnn.model.ts';
import { createPackedMlp } from './packed-mlp.model.ts';
import type { PackedNet } from './packed-net.types.ts';

/** The models the blas path trains natively; the rest train on tfjs. */
export const packableModel = (task: TrainTask): boolean => task.model.type === 'mlp' || task.model.type === 'cnn';

function cnnSpec(task: TrainTask, dataset: Dataset): PackedCnnSpec {
  if (task.model.type !== 'cnn') throw new RangeError(`not a cnn: '${task.model.type}'`);
  if (!dataset.imageShape) throw new RangeError(`cnn needs an image dataset, '${dataset.name}' is flat`);
  return { imageShape: dataset.imageShape, channels: task.model.channels ?? DEFAULT_CNN_CHANNELS, classes: dataset.classes };
}

/** Parameters one trial of `task` has (what a net holds per trial, to size packs). */
export function parametersPerTrial(task: TrainTask, dataset: Dataset): number {
  if (task.model.type === 'cnn') {
    const { imageShape, channels, classes } = cnnSpec(task, dataset);
    let [h, w, c] = imageShape;
    let total = 0;
    for (const out of channels) {
      total += (9 * c + 1) * out; // 3x3 filters and a bias per output channel
      [h, w, c] = [Math.floor((h - 2) / 2), Math.floor((w - 2) / 2), out];
    }
    return total + (h * w * c + 1) * classes;
  }
  const sizes = [dataset.features, ...task.model.hidden, dataset.classes];
  return sizes.slice(1).reduce((sum, out, l) => sum + (sizes[l]! + 1) * out, 0);
}

/**
 * `n` trials of `task` sharing `seed`: one init drawn from the seed's init stream (the tfjs
 * models' draws, so weights are bit-identical across backends), copied to every trial.
 */
export function createPackedNet(task: TrainTask, dataset: Dataset, seed: number, n: number, maxRows: number): PackedNet {
  const rand = mulberry32(deriveSeed(seed, STREAM.init));
  if (task.model.type === 'mlp') return createPackedMlp(dataset.features, task.model.hidden, dataset.classes, rand, n);
  return createPackedCnn(cnnSpec(task, dataset), n, rand, maxRows);
}
