import * as tf from '@tensorflow/tfjs';
import { matMul } from './matmul.ts';

/**
 * 'valid' stride-1 convolution of NHWC `x` with `[k, k, in, out]` filters as im2col + matmul.
 * The wasm backend has a Conv2D kernel but none for its gradient (Conv2DBackpropFilter), so a
 * cnn could not train there; patches built from slices and concat differentiate on every
 * backend, and the product goes through our fast-gradient matMul.
 */
export function conv2dIm2col(x: tf.Tensor4D, filters: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const [k, , , out] = filters.shape;
  const oh = height - k + 1;
  const ow = width - k + 1;
  const patches: tf.Tensor4D[] = [];
  // (dy, dx, c) order matches the row-major flattening of the [k, k, in, out] filters.
  for (let dy = 0; dy < k; dy++) {
    for (let dx = 0; dx < k; dx++) patches.push(tf.slice(x, [0, dy, dx, 0], [batch, oh, ow, channels]));
  }
  const cols = tf.reshape(tf.concat(patches, 3), [batch * oh * ow, k * k * channels]) as tf.Tensor2D;
  const w = tf.reshape(filters, [k * k * channels, out]) as tf.Tensor2D;
  return tf.reshape(matMul(cols, w), [batch, oh, ow, out]) as tf.Tensor4D;
}

/** Native conv2d where the backend can differentiate it, im2col where it cannot (wasm). */
export function pickConv2d(): (x: tf.Tensor4D, filters: tf.Tensor4D) => tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return (x, f) => tf.conv2d(x, f, 1, 'valid');
  return conv2dIm2col;
}
