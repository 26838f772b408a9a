import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../datasets/dataset.types.ts';

/**
 * The dataset uploaded to the active backend once per `train()` call; batches are gathered
 * from it on-device, so a GPU backend does not copy every batch from JS.
 */
export interface DataTensors {
  trainX: tf.Tensor2D;
  trainY: tf.Tensor2D;
  valX: tf.Tensor2D;
  valY: tf.Tensor2D;
  dispose(): void;
}

export function uploadDataset(d: Dataset): DataTensors {
  const t = {
    trainX: tf.tensor2d(d.train.x, [d.train.size, d.features]),
    trainY: tf.tensor2d(d.train.y, [d.train.size, d.classes]),
    valX: tf.tensor2d(d.val.x, [d.val.size, d.features]),
    valY: tf.tensor2d(d.val.y, [d.val.size, d.classes]),
  };
  return { ...t, dispose: () => Object.values(t).forEach((x) => x.dispose()) };
}
