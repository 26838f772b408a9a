/**
 * Several trials of one model trained as one computation: the trials of a pack that share a
 * seed share their init and their data order, so every step they read the same input batch,
 * and each layer of all of them is one wide matrix product over it (their parameters lie side
 * by side). A pack of one is a trial trained alone: there is no other path.
 *
 * The MLP (`packed-mlp.model.ts`) and the CNN (`packed-cnn.model.ts`) implement it; the epoch
 * loop over packs (`blas-pack.ts`) knows only this interface.
 */
export interface PackedNet {
  /** Trials in the net now; `remove` shrinks it. */
  readonly size: number;
  /**
   * Trial k's parameters, in the tfjs model's variable order and layout (the checkpoint's
   * order): views the optimizer updates in place and checkpoints copy. Contiguous per tensor.
   */
  params(k: number): Float32Array[];
  /** Trial k's gradients from the last `lossAndGrads`, the same shapes as `params(k)`. */
  grads(k: number): Float32Array[];
  /**
   * Forward and backward over `rows` samples (`x`: rows x features, `y`: one-hot rows x
   * classes) for every trial at once; trial k's mean cross-entropy goes to `losses[k]`.
   */
  lossAndGrads(x: Float32Array, y: Float32Array, rows: number, losses: Float64Array): void;
  /** Forward only, for validation: adds trial k's summed cross-entropy to `lossSum[k]` and its correct count to `correct[k]`. */
  evaluate(x: Float32Array, y: Float32Array, rows: number, lossSum: Float64Array, correct: Float64Array): void;
  /** Drops trial k (diverged, stopped, cancelled): the trials after it move down one index. */
  remove(k: number): void;
}
