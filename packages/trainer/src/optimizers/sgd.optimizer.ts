import * as tf from '@tensorflow/tfjs';
import type { Optimizer, OptimizerSpec, OptimizerState } from './optimizer.types.ts';
import { Slots } from './slots.ts';

/**
 * torch.optim.SGD with dampening 0: g += wd*p; buf = m*buf + g (buf = g on the first step);
 * p -= lr * (nesterov ? g + m*buf : buf). Momentum comes from the scheduler when it cycles it.
 */
export function createSgd(spec: OptimizerSpec, shapes: () => number[][]): Optimizer {
  const weightDecay = spec.weight_decay ?? 0;
  const nesterov = spec.nesterov ?? false;
  const buffers = new Slots();
  let stepCount = 0;
  return {
    step(params, grads, hp) {
      const momentum = hp.momentum ?? spec.momentum ?? 0;
      tf.tidy(() => {
        params.forEach((p, i) => {
          let d = grads[i]!;
          if (weightDecay !== 0) d = tf.add(d, tf.mul(p, weightDecay));
          if (momentum !== 0) {
            const prev = buffers.get(i);
            buffers.set(i, prev ? tf.add(tf.mul(prev, momentum), d) : d);
            const buf = buffers.get(i)!;
            d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
          }
          p.assign(tf.sub(p, tf.mul(d, hp.lr)));
        });
      });
      stepCount++;
    },
    getState: (): OptimizerState => ({ type: spec.type, step: stepCount, slots: { momentum_buffer: buffers.encode() } }),
    setState(state) {
      stepCount = state.step;
      buffers.decode(state.slots.momentum_buffer ?? [], shapes());
    },
    dispose: () => buffers.dispose(),
  };
}
