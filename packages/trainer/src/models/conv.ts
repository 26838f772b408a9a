import * as tf from '@tensorflow/tfjs';

// Both gradients of a 'valid' stride-1 conv, written as forward convolutions, which XNNPACK
// runs fast. Timings for the mnist cnn's layers at batch 64 on wasm (probe in the commit):
// filter grad 88/28 ms as im2col+matmul -> 6.5/3.6 ms; input grad 7.4/16.5 ms as
// conv2dTranspose -> 5.6/1.8 ms.

/** dL/dfilters: correlate x with dy over space, contracting over the batch. */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const xT = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [C, H, W, N]: channels as batch
  const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, N, out]: dy as filters
  return tf.transpose(tf.conv2d(xT, dyT, 1, 'valid'), [1, 2, 0, 3]); // [C, k, k, out] -> [k, k, C, out]
}

/** dL/dx: 'full' correlation of dy with the filters rotated 180 degrees, in/out swapped. */
function inputGrad(dy: tf.Tensor4D, filters: tf.Tensor4D): tf.Tensor4D {
  const k = filters.shape[0];
  const rotated = tf.transpose(tf.reverse(filters, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(tf.pad(dy, [[0, 0], [k - 1, k - 1], [k - 1, k - 1], [0, 0]]), rotated, 1, 'valid');
}

/**
 * 'valid' stride-1 conv2d of NHWC `x` with `[k, k, in, out]` filters, with a hand-written
 * gradient. The wasm backend registers Conv2D but not Conv2DBackpropFilter, so tf.conv2d
 * cannot be trained there at all; this runs on every backend.
 */
export const conv2dValid = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, filters, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, filters]);
  return {
    value: tf.conv2d(x, filters, 1, 'valid'),
    gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
      const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
      return [inputGrad(dy, fs), filterGrad(xs, dy)];
    },
  };
}) as (x: tf.Tensor4D, filters: tf.Tensor4D) => tf.Tensor4D;

/** Native conv2d where the backend can differentiate it, the hand-written gradient where not (wasm). */
export function pickConv2d(): (x: tf.Tensor4D, filters: tf.Tensor4D) => tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return (x, f) => tf.conv2d(x, f, 1, 'valid');
  return conv2dValid;
}
