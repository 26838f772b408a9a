import * as tf from '@tensorflow/tfjs';
import { uniformFanIn } from './init.ts';
import { matMul } from './matmul.ts';
import type { Model } from './model.types.ts';

/** ReLU MLP; weights are `[in, out]` so the forward pass is a plain `x @ W + b`. */
export function createMlp(features: number, hidden: readonly number[], classes: number, rand: () => number): Model {
  const sizes = [features, ...hidden, classes];
  const layers: { w: tf.Variable; b: tf.Variable }[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const fanIn = sizes[i]!;
    const fanOut = sizes[i + 1]!;
    // Weight before bias, layer by layer: the same draw order as constructing torch layers.
    const w = uniformFanIn([fanIn, fanOut], fanIn, rand);
    const b = uniformFanIn([fanOut], fanIn, rand);
    layers.push({ w, b });
  }
  return {
    params: layers.flatMap(({ w, b }) => [w, b]),
    forward(x) {
      let h: tf.Tensor2D = x;
      layers.forEach(({ w, b }, i) => {
        const z = tf.add(matMul(h, w as tf.Tensor2D), b) as tf.Tensor2D;
        h = i + 1 < layers.length ? tf.relu(z) : z;
      });
      return h;
    },
    dispose: () => layers.forEach(({ w, b }) => (w.dispose(), b.dispose())),
  };
}
