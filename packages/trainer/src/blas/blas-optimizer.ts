import { TrainerConfigError } from '../errors.ts';
import type { OptimizerSpec, OptimizerState, StepHyperparams } from '../optimizers/optimizer.types.ts';
import { blas } from './blas-addon.ts';

/**
 * `optimizers/*.optimizer.ts` (torch.optim semantics) over Float32Arrays, updating in place
 * with the addon's compiled loops (in JS the update cost more than the step's matrix products).
 * The state has the same slot names and layout, so checkpoints move between backends.
 */
export interface BlasOptimizer {
  /** Updates `params` from `grads` (same order). */
  step(params: readonly Float32Array[], grads: readonly Float32Array[], hp: StepHyperparams): void;
  getState(): OptimizerState;
  /** `path` prefixes config errors (a checkpoint whose slots do not fit the model). */
  setState(state: OptimizerState, path: string): void;
}

/** Lazily created per-parameter slots, like torch's (SGD's buffer starts as the first gradient). */
type Slot = (Float32Array | null)[];

// Copies both ways: the slots are updated in place, and a checkpoint must not change under its writer.
const encode = (slot: Slot) => slot.map((v) => (v ? v.slice() : null));

function decode(encoded: readonly (Float32Array | null)[] | undefined, sizes: readonly number[], path: string): Slot {
  return (encoded ?? []).map((values, i) => {
    if (values === null) return null;
    if (values.length !== sizes[i]) {
      throw new TrainerConfigError(`${path}/${i}`, `has ${values.length} values, the model needs ${sizes[i]}`);
    }
    return values.slice();
  });
}

export function createBlasOptimizer(spec: OptimizerSpec, sizes: readonly number[]): BlasOptimizer {
  return spec.type === 'SGD' ? createSgd(spec, sizes) : createAdam(spec, sizes);
}

/** g += wd*p; buf = m*buf + g (buf = g first); p -= lr * (nesterov ? g + m*buf : buf). */
function createSgd(spec: OptimizerSpec, sizes: readonly number[]): BlasOptimizer {
  const weightDecay = spec.weight_decay ?? 0;
  const nesterov = spec.nesterov ?? false;
  let buffers: Slot = [];
  let stepCount = 0;
  return {
    step(params, grads, hp) {
      const momentum = hp.momentum ?? spec.momentum ?? 0;
      const { sgdStep } = blas();
      params.forEach((p, i) => {
        // The buffer is created on the first step with momentum, as a copy of d (torch's rule).
        const first = momentum !== 0 && !buffers[i];
        const buf = momentum === 0 ? p : (buffers[i] ??= new Float32Array(p.length));
        sgdStep(p, grads[i]!, buf, hp.lr, momentum, weightDecay, nesterov, first);
      });
      stepCount++;
    },
    getState: () => ({ type: spec.type, step: stepCount, slots: { momentum_buffer: encode(buffers) } }),
    setState(state, path) {
      stepCount = state.step;
      buffers = decode(state.slots.momentum_buffer, sizes, `${path}/slots/momentum_buffer`);
    },
  };
}

/**
 * Adam (L2 weight decay) and AdamW (decoupled, default 0.01), bias-corrected with the beta1
 * of this step as torch does when OneCycleLR cycles it.
 */
function createAdam(spec: OptimizerSpec, sizes: readonly number[]): BlasOptimizer {
  const decoupled = spec.type === 'AdamW';
  const weightDecay = spec.weight_decay ?? (decoupled ? 0.01 : 0);
  const [specBeta1, beta2] = spec.betas ?? [0.9, 0.999];
  const eps = spec.eps ?? 1e-8;
  let expAvg: Slot = [];
  let expAvgSq: Slot = [];
  let stepCount = 0;
  return {
    step(params, grads, hp) {
      const beta1 = hp.momentum ?? specBeta1;
      stepCount++;
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** stepCount);
      const stepSize = hp.lr / (1 - beta1 ** stepCount);
      const decay = decoupled ? 1 - hp.lr * weightDecay : 1;
      const l2 = decoupled ? 0 : weightDecay;
      const { adamStep } = blas();
      params.forEach((p, i) => {
        const m = (expAvg[i] ??= new Float32Array(p.length));
        const v = (expAvgSq[i] ??= new Float32Array(p.length));
        adamStep(p, grads[i]!, m, v, stepSize, beta1, beta2, biasCorrection2Sqrt, eps, decay, l2);
      });
    },
    getState: () => ({
      type: spec.type,
      step: stepCount,
      slots: { exp_avg: encode(expAvg), exp_avg_sq: encode(expAvgSq) },
    }),
    setState(state, path) {
      stepCount = state.step;
      expAvg = decode(state.slots.exp_avg, sizes, `${path}/slots/exp_avg`);
      expAvgSq = decode(state.slots.exp_avg_sq, sizes, `${path}/slots/exp_avg_sq`);
    },
  };
}
