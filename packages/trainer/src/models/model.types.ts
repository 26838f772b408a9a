import type * as tf from '@tensorflow/tfjs';

export { MODEL_TYPES, type Model as ModelSpec } from '@lrsweep/contracts';

/**
 * A model is a flat list of variables and a pure forward function. Optimizers, checkpoints
 * and (later) packed training only ever see `params`, never layers, so packing several
 * trials into one model only changes how `forward` reads them.
 */
export interface Model {
  readonly params: readonly tf.Variable[];
  /** Logits `[batch, classes]` for flat inputs `[batch, features]`. */
  forward(x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}
