import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { createOptimizer } from './create-optimizer.ts';
import type { OptimizerSpec, StepHyperparams } from './optimizer.types.ts';

// Expected values are torch.optim's update rules worked by hand for p = [1, -2] and the
// gradients below (see the comments), so these fail if our semantics drift from PyTorch's.

beforeAll(async () => {
  await selectBackend('cpu');
});

function run(spec: OptimizerSpec, steps: { grad: number[]; hp?: Partial<StepHyperparams> }[]): number[] {
  const p = tf.variable(tf.tensor1d([1, -2]));
  const opt = createOptimizer(spec, [p]);
  for (const { grad, hp } of steps) {
    tf.tidy(() => opt.step([p], [tf.tensor1d(grad)], { lr: spec.lr, momentum: null, ...hp }));
  }
  const out = Array.from(p.dataSync());
  opt.dispose();
  p.dispose();
  return out;
}

const expectClose = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));

describe('SGD', () => {
  it('momentum: the first buffer is the gradient, then buf = m*buf + g', () => {
    // step 1: buf = [0.5, -1];   p = [1, -2] - 0.1*buf = [0.95, -1.9]
    // step 2: buf = 0.9*buf + [0.2, 0.4] = [0.65, -0.5];   p = [0.885, -1.85]
    const spec: OptimizerSpec = { type: 'SGD', lr: 0.1, momentum: 0.9 };
    expectClose(run(spec, [{ grad: [0.5, -1] }, { grad: [0.2, 0.4] }]), [0.885, -1.85]);
  });

  it('nesterov steps along g + m*buf, and weight decay adds wd*p to the gradient', () => {
    // nesterov step 1: d = g + 0.9*g = [0.95, -1.9];   p = [0.905, -1.81]
    expectClose(run({ type: 'SGD', lr: 0.1, momentum: 0.9, nesterov: true }, [{ grad: [0.5, -1] }]), [0.905, -1.81]);
    // wd 0.5: g = [0.5 + 0.5, -1 - 1] = [1, -2];   p = [0.9, -1.8]
    expectClose(run({ type: 'SGD', lr: 0.1, weight_decay: 0.5 }, [{ grad: [0.5, -1] }]), [0.9, -1.8]);
  });

  it('takes the lr of each step from the caller (the scheduler), not the spec', () => {
    expectClose(run({ type: 'SGD', lr: 0.1 }, [{ grad: [1, 1], hp: { lr: 0.5 } }]), [0.5, -2.5]);
  });
});

describe('Adam', () => {
  it('matches torch over two steps', () => {
    // step 1 moves each weight by lr*sign(g): [0.99, -1.99]
    // step 2: m = [0.065, -0.05], v = [2.8975e-4, 1.159e-3], bc1 = 0.19, bc2 = 1.999e-3
    //         p -= (0.01/0.19) * m / (sqrt(v)/sqrt(bc2) + 1e-8) = [0.9810142, -1.9865439]
    const spec: OptimizerSpec = { type: 'Adam', lr: 0.01 };
    expectClose(run(spec, [{ grad: [0.5, -1] }, { grad: [0.2, 0.4] }]), [0.9810142, -1.9865439]);
  });

  it('bias-corrects with the current beta1 when a scheduler changes it', () => {
    // step 2 with beta1 = 0.8: bc1 = 1 - 0.8^2 = 0.36, m = [0.12, 0]
    const steps = [{ grad: [0.5, -1] }, { grad: [0.2, 0.4], hp: { momentum: 0.8 } }];
    expectClose(run({ type: 'Adam', lr: 0.01 }, steps), [0.9841631, -1.99]);
  });

  it('AdamW decays weights decoupled from the gradient (default 0.01)', () => {
    // wd 0.1: p *= 1 - 0.01*0.1 -> [0.999, -1.998], then the lr*sign(g) step: [0.989, -1.988]
    expectClose(run({ type: 'AdamW', lr: 0.01, weight_decay: 0.1 }, [{ grad: [0.5, -1] }]), [0.989, -1.988]);
    // default wd 0.01: p *= 0.9999 -> [0.9999, -1.9998] -> [0.9899, -1.9898]
    expectClose(run({ type: 'AdamW', lr: 0.01 }, [{ grad: [0.5, -1] }]), [0.9899, -1.9898]);
  });
});
