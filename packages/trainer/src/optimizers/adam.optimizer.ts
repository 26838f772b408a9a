import * as tf from '@tensorflow/tfjs';
import type { Optimizer, OptimizerSpec, OptimizerState } from './optimizer.types.ts';
import { Slots } from './slots.ts';

/**
 * torch.optim.Adam / AdamW. Adam's weight decay is L2 (g += wd*p); AdamW's is decoupled
 * (p *= 1 - lr*wd, default 0.01). Bias correction uses the beta1 of THIS step, as torch does
 * when OneCycleLR cycles betas, not a product of past beta1s.
 */
export function createAdam(spec: OptimizerSpec, shapes: () => number[][]): Optimizer {
  const decoupled = spec.type === 'AdamW';
  const weightDecay = spec.weight_decay ?? (decoupled ? 0.01 : 0);
  const [specBeta1, beta2] = spec.betas ?? [0.9, 0.999];
  const eps = spec.eps ?? 1e-8;
  const expAvg = new Slots();
  const expAvgSq = new Slots();
  let stepCount = 0;
  return {
    step(params, grads, hp) {
      const beta1 = hp.momentum ?? specBeta1;
      stepCount++;
      const biasCorrection1 = 1 - beta1 ** stepCount;
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** stepCount);
      const stepSize = hp.lr / biasCorrection1;
      tf.tidy(() => {
        params.forEach((p, i) => {
          let g = grads[i]!;
          let base: tf.Tensor = p;
          if (weightDecay !== 0 && decoupled) base = tf.mul(p, 1 - hp.lr * weightDecay);
          if (weightDecay !== 0 && !decoupled) g = tf.add(g, tf.mul(p, weightDecay));
          const m0 = expAvg.get(i) ?? tf.zerosLike(g);
          const v0 = expAvgSq.get(i) ?? tf.zerosLike(g);
          const m = tf.add(tf.mul(m0, beta1), tf.mul(g, 1 - beta1));
          const v = tf.add(tf.mul(v0, beta2), tf.mul(tf.square(g), 1 - beta2));
          expAvg.set(i, m);
          expAvgSq.set(i, v);
          const denom = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), eps);
          p.assign(tf.sub(base, tf.mul(tf.div(m, denom), stepSize)));
        });
      });
    },
    getState: (): OptimizerState => ({
      type: spec.type,
      step: stepCount,
      slots: { exp_avg: expAvg.encode(), exp_avg_sq: expAvgSq.encode() },
    }),
    setState(state) {
      stepCount = state.step;
      expAvg.decode(state.slots.exp_avg ?? [], shapes());
      expAvgSq.decode(state.slots.exp_avg_sq ?? [], shapes());
    },
    dispose() {
      expAvg.dispose();
      expAvgSq.dispose();
    },
  };
}
