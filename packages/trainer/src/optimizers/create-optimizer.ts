import type * as tf from '@tensorflow/tfjs';
import { createAdam } from './adam.optimizer.ts';
import type { Optimizer, OptimizerSpec } from './optimizer.types.ts';
import { createSgd } from './sgd.optimizer.ts';

/** Optimizer for `params`; shapes are read lazily so restoring state needs no extra argument. */
export function createOptimizer(spec: OptimizerSpec, params: readonly tf.Variable[]): Optimizer {
  const shapes = () => params.map((p) => [...p.shape]);
  return spec.type === 'SGD' ? createSgd(spec, shapes) : createAdam(spec, shapes);
}
