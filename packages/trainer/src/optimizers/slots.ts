import * as tf from '@tensorflow/tfjs';

/**
 * Per-parameter state tensors (momentum buffer, Adam moments), created lazily because torch
 * creates them lazily: SGD's buffer starts as a copy of the first gradient, not zeros.
 */
export class Slots {
  private readonly values: (tf.Variable | null)[] = [];

  get(i: number): tf.Variable | null {
    return this.values[i] ?? null;
  }

  /** Stores `value` as slot i; the caller may dispose `value` afterwards. */
  set(i: number, value: tf.Tensor): void {
    const slot = this.values[i];
    if (slot) slot.assign(value);
    else this.values[i] = tf.variable(value, false);
  }

  /** Each slot's values; tensors are immutable (assign swaps in a new one), so they never change after. */
  encode(): (Float32Array | null)[] {
    return this.values.map((v) => (v ? (v.dataSync() as Float32Array) : null));
  }

  decode(encoded: readonly (Float32Array | null)[], shapes: readonly number[][]): void {
    this.dispose();
    encoded.forEach((values, i) => {
      if (values !== null) this.values[i] = tf.tidy(() => tf.variable(tf.tensor(values, shapes[i]), false));
    });
  }

  dispose(): void {
    this.values.forEach((v) => v?.dispose());
    this.values.length = 0;
  }
}
