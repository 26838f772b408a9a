import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { conv2dValid } from './conv.ts';
import { createModel } from './create-model.ts';
import { crossEntropy } from '../training/loss.ts';

afterAll(async () => {
  await selectBackend();
});

describe('conv2dValid', () => {
  it('matches tf.conv2d in value and gradients (cpu, which has both)', async () => {
    await selectBackend('cpu');
    const x = tf.tensor4d(Array.from({ length: 2 * 5 * 6 * 3 }, (_, i) => Math.sin(i)), [2, 5, 6, 3]);
    const f = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i)), [3, 3, 3, 4]);
    const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(conv(a as tf.Tensor4D, b as tf.Tensor4D)));
    const native = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, 1, 'valid');
    const close = (a: tf.Tensor, b: tf.Tensor) => expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-4);
    close(conv2dValid(x, f), native(x, f));
    const ours = tf.grads(loss(conv2dValid))([x, f]);
    const theirs = tf.grads(loss(native))([x, f]);
    ours.forEach((g, i) => close(g, theirs[i]!));
  });

  it('lets the cnn compute gradients on wasm, which has no Conv2DBackpropFilter kernel', async () => {
    await selectBackend('wasm');
    const d = await loadDataset('mnist');
    const model = createModel({ type: 'cnn', channels: [4] }, d, 1);
    const x = tf.tensor2d(d.train.x.subarray(0, 8 * 784), [8, 784]);
    const y = tf.tensor2d(d.train.y.subarray(0, 8 * 10), [8, 10]);
    const { grads } = tf.variableGrads(() => crossEntropy(model.forward(x), y), [...model.params]);
    expect(model.params.map((p) => grads[p.name]!.shape)).toEqual(model.params.map((p) => p.shape));
    expect(tf.sum(tf.abs(grads[model.params[0]!.name]!)).dataSync()[0]).toBeGreaterThan(0);
    model.dispose();
  });
});
