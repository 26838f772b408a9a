import * as tf from '@tensorflow/tfjs';
import { uniformFanIn } from './init.ts';
import { matMul } from './matmul.ts';
import { pickConv2d } from './conv.ts';
import type { Model } from './model.types.ts';

export const DEFAULT_CNN_CHANNELS = [8, 16] as const;
const KERNEL = 3;

/**
 * conv3x3 -> ReLU -> maxpool2 per entry of `channels`, then one dense layer to the classes.
 * 'valid' padding like torch's default, so 28 -> 26 -> 13 -> 11 -> 5.
 */
export function createCnn(
  imageShape: readonly [number, number, number],
  channels: readonly number[],
  classes: number,
  rand: () => number,
): Model {
  const [height, width, inChannels] = imageShape;
  const convs: { w: tf.Variable; b: tf.Variable }[] = [];
  let c = inChannels;
  let h = height;
  let w = width;
  for (const out of channels) {
    const fanIn = c * KERNEL * KERNEL;
    convs.push({ w: uniformFanIn([KERNEL, KERNEL, c, out], fanIn, rand), b: uniformFanIn([out], fanIn, rand) });
    c = out;
    h = Math.floor((h - KERNEL + 1) / 2);
    w = Math.floor((w - KERNEL + 1) / 2);
  }
  if (h < 1 || w < 1) throw new RangeError(`too many conv layers (${channels.length}) for a ${height}x${width} image`);
  const flat = h * w * c;
  const conv2d = pickConv2d();
  const dense = { w: uniformFanIn([flat, classes], flat, rand), b: uniformFanIn([classes], flat, rand) };
  const params = [...convs.flatMap((l) => [l.w, l.b]), dense.w, dense.b];
  return {
    params,
    forward(x) {
      let a = tf.reshape(x, [-1, height, width, inChannels]) as tf.Tensor4D;
      for (const conv of convs) {
        const z = tf.add(conv2d(a, conv.w as tf.Tensor4D), conv.b) as tf.Tensor4D;
        a = tf.maxPool(tf.relu(z), 2, 2, 'valid');
      }
      const flatA = tf.reshape(a, [-1, flat]) as tf.Tensor2D;
      return tf.add(matMul(flatA, dense.w as tf.Tensor2D), dense.b) as tf.Tensor2D;
    },
    dispose: () => params.forEach((p) => p.dispose()),
  };
}
