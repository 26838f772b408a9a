import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { createModel } from './create-model.ts';
import { matMul } from './matmul.ts';

beforeAll(async () => {
  await selectBackend();
});

describe('matMul with explicit-transpose gradients', () => {
  it('has the same value and gradients as tf.matMul', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const w = tf.tensor2d([0.5, -1, 2, 0.25, -0.75, 1.5], [3, 2]);
    const loss = (f: typeof matMul) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a as tf.Tensor2D, b as tf.Tensor2D)));
    const ours = tf.grads(loss(matMul))([x, w]);
    const theirs = tf.grads(loss(tf.matMul))([x, w]);
    expect(matMul(x, w).arraySync()).toEqual(tf.matMul(x, w).arraySync());
    ours.forEach((g, i) => expect(g.arraySync()).toEqual(theirs[i]!.arraySync()));
  });
});

describe('models', () => {
  it('the same seed gives the same weights, bounded by 1/sqrt(fan_in)', async () => {
    const d = await loadDataset('spirals');
    const [a, b, c] = [1, 1, 2].map((seed) => createModel({ type: 'mlp', hidden: [16] }, d, seed));
    expect(a!.params.map((p) => p.shape)).toEqual([[2, 16], [16], [16, 3], [3]]);
    expect(a!.params[0]!.arraySync()).toEqual(b!.params[0]!.arraySync());
    expect(a!.params[0]!.arraySync()).not.toEqual(c!.params[0]!.arraySync());
    const w2 = a!.params[2]!.dataSync();
    expect(Math.max(...w2.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(16));
    expect(Math.max(...w2.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(16));
    [a, b, c].forEach((m) => m!.dispose());
  });

  it('the cnn maps 28x28 digits to 10 logits: conv 8 -> pool -> conv 16 -> pool -> dense', async () => {
    const d = await loadDataset('mnist');
    const model = createModel({ type: 'cnn' }, d, 1);
    expect(model.params.map((p) => p.shape)).toEqual([[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [5 * 5 * 16, 10], [10]]);
    const logits = tf.tidy(() => model.forward(tf.tensor2d(d.val.x.subarray(0, 3 * 784), [3, 784])));
    expect(logits.shape).toEqual([3, 10]);
    logits.dispose();
    model.dispose();
  });
});
