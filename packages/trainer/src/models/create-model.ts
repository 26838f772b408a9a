import type { Dataset } from '../datasets/dataset.types.ts';
import { mulberry32 } from '../rng.ts';
import { DEFAULT_CNN_CHANNELS, createCnn } from './cnn.model.ts';
import { createMlp } from './mlp.model.ts';
import type { Model, ModelSpec } from './model.types.ts';

/** Builds the model with weights drawn from `initSeed`; callers validate the spec first. */
export function createModel(spec: ModelSpec, dataset: Dataset, initSeed: number): Model {
  const rand = mulberry32(initSeed);
  if (spec.type === 'mlp') return createMlp(dataset.features, spec.hidden, dataset.classes, rand);
  if (!dataset.imageShape) throw new RangeError(`cnn needs an image dataset, '${dataset.name}' is flat`);
  return createCnn(dataset.imageShape, spec.channels ?? DEFAULT_CNN_CHANNELS, dataset.classes, rand);
}
