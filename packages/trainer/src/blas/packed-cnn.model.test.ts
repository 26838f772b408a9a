import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import type { Dataset } from '../datasets/dataset.types.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { createModel } from '../models/create-model.ts';
import { createOptimizer } from '../optimizers/create-optimizer.ts';
import type { OptimizerSpec } from '../optimizers/optimizer.types.ts';
import { STREAM, deriveSeed, mulberry32 } from '../rng.ts';
import { crossEntropy, evaluate as evaluateTf } from '../training/loss.ts';
import { createBlasOptimizer } from './blas-optimizer.ts';
import { createPackedCnn, type PackedCnnSpec } from './packed-cnn.model.ts';
import type { PackedNet } from './packed-net.types.ts';

const MNIST_CNN = (channels: number[]): PackedCnnSpec => ({ imageShape: [28, 28, 1], channels, classes: 10 });
const random = (n: number, seed: number, scale = 1) => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
};
const oneHot = (rows: number, classes: number, seed: number) => {
  const rand = mulberry32(seed);
  const y = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) y[r * classes + Math.floor(rand() * classes)] = 1;
  return y;
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

let mnist: Dataset;
beforeAll(async () => {
  await selectBackend('blas'); // loads the addon; tfjs runs on wasm
  mnist = await loadDataset('mnist');
});

/** Trains on the first `trainRows` samples for `epochs` in a fixed order, reporting per epoch train loss and val loss/acc on `valRows`. */
interface Run {
  channels: number[];
  optimizer: OptimizerSpec;
  seed: number;
  epochs: number;
  trainRows: number;
  valRows: number;
  batch: number;
}
type Row = { train_loss: number; val_loss: number; val_acc: number };

async function trainTfjs(r: Run): Promise<Row[]> {
  const model = createModel({ type: 'cnn', channels: r.channels }, mnist, deriveSeed(r.seed, STREAM.init));
  const optimizer = createOptimizer(r.optimizer, model.params);
  const { x, y } = mnist.train;
  const valX = tf.tensor2d(mnist.val.x.subarray(0, r.valRows * 784), [r.valRows, 784]);
  const valY = tf.tensor2d(mnist.val.y.subarray(0, r.valRows * 10), [r.valRows, 10]);
  const rows: Row[] = [];
  for (let e = 0; e < r.epochs; e++) {
    let sum = 0;
    let steps = 0;
    for (let s = 0; s < r.trainRows; s += r.batch, steps++) {
      const n = Math.min(r.batch, r.trainRows - s);
      const loss = tf.tidy(() => {
        const xb = tf.tensor2d(x.subarray(s * 784, (s + n) * 784), [n, 784]);
        const yb = tf.tensor2d(y.subarray(s * 10, (s + n) * 10), [n, 10]);
        const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(xb), yb), [...model.params]);
        optimizer.step(model.params, model.params.map((p) => grads[p.name]!), { lr: r.optimizer.lr, momentum: null });
        return value.dataSync()[0]!;
      });
      sum += loss;
    }
    const val = await evaluateTf(model, valX, valY);
    rows.push({ train_loss: sum / steps, val_loss: val.loss, val_acc: val.acc });
  }
  valX.dispose();
  valY.dispose();
  optimizer.dispose();
  model.dispose();
  return rows;
}

function trainPacked(r: Run): Row[] {
  const net = createPackedCnn(MNIST_CNN(r.channels), 1, mulberry32(deriveSeed(r.seed, STREAM.init)), Math.max(r.batch, 100));
  const optimizer = createBlasOptimizer(r.optimizer, net.params(0).map((p) => p.length));
  const { x, y } = mnist.train;
  const losses = new Float64Array(1);
  const rows: Row[] = [];
  for (let e = 0; e < r.epochs; e++) {
    let sum = 0;
    let steps = 0;
    for (let s = 0; s < r.trainRows; s += r.batch, steps++) {
      const n = Math.min(r.batch, r.trainRows - s);
      net.lossAndGrads(x.subarray(s * 784), y.subarray(s * 10), n, losses);
      optimizer.step(net.params(0), net.grads(0), { lr: r.optimizer.lr, momentum: null });
      sum += losses[0]!;
    }
    const lossSum = new Float64Array(1);
    const correct = new Float64Array(1);
    for (let s = 0; s < r.valRows; s += 100) {
      const n = Math.min(100, r.valRows - s);
      net.evaluate(mnist.val.x.subarray(s * 784), mnist.val.y.subarray(s * 10), n, lossSum, correct);
    }
    rows.push({ train_loss: sum / steps, val_loss: lossSum[0]! / r.valRows, val_acc: correct[0]! / r.valRows });
  }
  return rows;
}

describe('the packed CNN agrees with the tfjs CNN', () => {
  it('draws bit-identical initial weights in the tfjs variable order and layout', () => {
    const seed = deriveSeed(7, STREAM.init);
    const model = createModel({ type: 'cnn', channels: [8, 16] }, mnist, seed);
    const net = createPackedCnn(MNIST_CNN([8, 16]), 2, mulberry32(seed), 8);
    expect(net.params(0).map((p) => p.length)).toEqual(model.params.map((p) => p.size));
    expect(net.params(0).map((p) => Array.from(p))).toEqual(model.params.map((p) => Array.from(p.dataSync())));
    expect(net.params(1).map((p) => Array.from(p))).toEqual(net.params(0).map((p) => Array.from(p)));
    model.dispose();
  });

  const cases: [string, Run][] = [
    ['[8, 16], Adam, a short last batch', { channels: [8, 16], optimizer: { type: 'Adam', lr: 0.003 }, seed: 3, epochs: 2, trainRows: 600, valRows: 300, batch: 64 }],
    ['[4], SGD momentum', { channels: [4], optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9 }, seed: 5, epochs: 2, trainRows: 512, valRows: 200, batch: 32 }],
  ];
  it.each(cases)('%s: every epoch within 1e-4 of wasm', async (_name, r) => {
    const wasm = await trainTfjs(r);
    const packed = trainPacked(r);
    expect(packed[1]!.train_loss).toBeLessThan(packed[0]!.train_loss * 0.95); // it learns
    packed.forEach((row, i) => {
      const w = wasm[i]!;
      expect(Math.abs(row.train_loss - w.train_loss)).toBeLessThan(1e-4);
      expect(Math.abs(row.val_loss - w.val_loss)).toBeLessThan(1e-4);
      expect(Math.abs(row.val_acc - w.val_acc)).toBeLessThanOrEqual(1 / r.valRows);
    });
  });
});

describe('trials in one pack', () => {
  const spec = MNIST_CNN([8, 16]);
  const rows = 24;
  const x = () => mnist.train.x.subarray(0, rows * 784);
  const y = () => mnist.train.y.subarray(0, rows * 10);

  /** Gives trial k of `net` its own weights: the shared init plus a perturbation seeded by `tag`. */
  function perturb(net: PackedNet, k: number, tag: number) {
    net.params(k).forEach((p, i) => {
      const noise = random(p.length, tag * 100 + i, 0.05);
      for (let j = 0; j < p.length; j++) p[j]! += noise[j]!;
    });
  }
  function alone(tag: number) {
    const net = createPackedCnn(spec, 1, mulberry32(9), rows);
    perturb(net, 0, tag);
    const losses = new Float64Array(1);
    net.lossAndGrads(x(), y(), rows, losses);
    return { loss: losses[0]!, grads: net.grads(0).map((g) => g.slice()) };
  }

  it('each of 3 trials gets the loss and gradients it gets alone (within 1e-4), and remove(k) keeps the others exact', () => {
    const net = createPackedCnn(spec, 3, mulberry32(9), rows);
    const tags = [1, 2, 3];
    tags.forEach((tag, k) => perturb(net, k, tag));
    const losses = new Float64Array(3);
    net.lossAndGrads(x(), y(), rows, losses);
    tags.forEach((tag, k) => {
      const ref = alone(tag);
      expect(Math.abs(losses[k]! - ref.loss)).toBeLessThan(1e-4);
      net.grads(k).forEach((g, i) => expect(maxAbsDiff(g, ref.grads[i]!)).toBeLessThan(1e-4));
    });
    expect(losses[0]).not.toBe(losses[1]); // the perturbations made them differ

    const before = [0, 2].map((k) => ({ loss: losses[k]!, grads: net.grads(k).map((g) => g.slice()) }));
    net.remove(1);
    expect(net.size).toBe(2);
    const after = new Float64Array(2);
    net.lossAndGrads(x(), y(), rows, after);
    before.forEach((b, k) => {
      expect(after[k]).toBe(b.loss);
      net.grads(k).forEach((g, i) => expect(maxAbsDiff(g, b.grads[i]!)).toBeLessThan(1e-6));
    });

    // evaluate reports the same per-trial loss as the training pass, and counts hits.
    const lossSum = new Float64Array(2);
    const correct = new Float64Array(2);
    net.evaluate(x(), y(), rows, lossSum, correct);
    expect(lossSum[0]! / rows).toBeCloseTo(after[0]!, 5);
    expect(correct[0]).toBeGreaterThanOrEqual(0);
    expect(correct[0]).toBeLessThanOrEqual(rows);
  });

  it('lets a NaN weight of any layer through to its own trial loss only, so divergence shows', () => {
    // (SGD at lr 1e6 does not get there on mnist: its ReLUs die, on wasm too, and losses stay finite.)
    for (let tensor = 0; tensor < 6; tensor++) {
      const net = createPackedCnn(spec, 2, mulberry32(9), rows);
      net.params(1)[tensor]![0] = NaN;
      const losses = new Float64Array(2);
      net.lossAndGrads(x(), y(), rows, losses);
      expect(Number.isFinite(losses[0])).toBe(true);
      expect(losses[1]).toBeNaN();
    }
  });

  it('refuses a batch larger than its buffers and a trial it does not hold', () => {
    const net = createPackedCnn(spec, 2, mulberry32(9), rows);
    expect(() => net.lossAndGrads(x(), y(), rows + 1, new Float64Array(2))).toThrow(/rows must be 1\.\.24/);
    expect(() => net.remove(2)).toThrow(/no trial 2/);
  });
});

describe('gradients', () => {
  it('match central finite differences on a tiny net (odd sizes, 2 input channels, 2 conv layers)', () => {
    // 11x11x2 -> conv 9x9x3 -> pool 4x4 (odd row dropped) -> conv 2x2x4 -> pool 1x1 -> dense 4.
    const spec: PackedCnnSpec = { imageShape: [11, 11, 2], channels: [3, 4], classes: 4 };
    const rows = 5;
    const x = random(rows * 11 * 11 * 2, 21);
    const y = oneHot(rows, 4, 22);
    const net = createPackedCnn(spec, 2, mulberry32(23), rows);
    const losses = new Float64Array(2);
    net.lossAndGrads(x, y, rows, losses);
    const grads = net.grads(1).map((g) => g.slice());
    // Small steps: a larger one crosses ReLU and max-pool kinks (one entry here is 25% off at h = 1e-3).
    const h = 3e-4;
    let checked = 0;
    net.params(1).forEach((p, i) => {
      for (let j = 0; j < p.length; j += Math.max(1, Math.floor(p.length / 7))) {
        const saved = p[j]!;
        p[j] = saved + h;
        net.lossAndGrads(x, y, rows, losses);
        const up = losses[1]!;
        p[j] = saved - h;
        net.lossAndGrads(x, y, rows, losses);
        const down = losses[1]!;
        p[j] = saved;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(numeric - grads[i]![j]!)).toBeLessThan(1e-3 + 0.02 * Math.abs(numeric));
        checked++;
      }
    });
    expect(checked).toBe(35);
    expect(grads.every((g) => g.some((v) => v !== 0))).toBe(true); // every tensor is reached
  });
});
