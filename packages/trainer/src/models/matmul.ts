import * as tf from '@tensorflow/tfjs';

/**
 * x @ w with a gradient that transposes explicitly. tfjs's own matMul gradient asks for
 * transposeA/transposeB products, and the wasm backend (XNNPACK) runs those ~10x slower than
 * a transpose followed by a plain product (10 ms vs 1.2 ms for 784x64x128, bench/README):
 * that one kernel was half of an MNIST MLP step.
 */
export const matMul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
