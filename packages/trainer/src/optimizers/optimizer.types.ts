import type { OptimizerType } from '@lrsweep/contracts';
import type * as tf from '@tensorflow/tfjs';

export { OPTIMIZER_TYPES } from '@lrsweep/contracts';

/** PyTorch's names and defaults (`torch.optim.SGD`, `Adam`, `AdamW`). */
export interface OptimizerSpec {
  type: OptimizerType;
  lr: number;
  /** @defaultValue 0 */
  momentum?: number;
  /** @defaultValue false */
  nesterov?: boolean;
  /** @defaultValue 0 for SGD and Adam, 0.01 for AdamW */
  weight_decay?: number;
  /** @defaultValue [0.9, 0.999] */
  betas?: [number, number];
  /** @defaultValue 1e-8 */
  eps?: number;
  [k: string]: unknown;
}

/** What the scheduler says for this step: the lr, and SGD momentum or Adam beta1 (null: keep the spec's). */
export interface StepHyperparams {
  lr: number;
  momentum: number | null;
}

/**
 * Optimizer state: per-slot, per-param float32 values, a copy the optimizer no longer touches
 * (null: slot not created yet). A checkpoint stores them as binary (training/checkpoint-codec.ts).
 */
export interface OptimizerState {
  type: OptimizerSpec['type'];
  step: number;
  slots: Record<string, (Float32Array | null)[]>;
}

export interface Optimizer {
  /** Updates `params` in place from `grads` (same order), torch semantics. */
  step(params: readonly tf.Variable[], grads: readonly tf.Tensor[], hp: StepHyperparams): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  dispose(): void;
}
