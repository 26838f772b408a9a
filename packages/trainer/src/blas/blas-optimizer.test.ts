import { beforeAll, describe, expect, it } from 'vitest';
import { TrainerConfigError } from '../errors.ts';
import type { OptimizerSpec, StepHyperparams } from '../optimizers/optimizer.types.ts';
import { loadBlasAddon } from './blas-addon.ts';
import { createBlasOptimizer } from './blas-optimizer.ts';

// The hand-worked torch.optim values of optimizers/optimizers.test.ts (see the comments there),
// so both paths are held to PyTorch's rules, not to each other.

beforeAll(() => {
  loadBlasAddon();
});

function run(spec: OptimizerSpec, steps: { grad: number[]; hp?: Partial<StepHyperparams> }[]): number[] {
  const p = Float32Array.from([1, -2]);
  const opt = createBlasOptimizer(spec, [2]);
  for (const { grad, hp } of steps) opt.step([p], [Float32Array.from(grad)], { lr: spec.lr, momentum: null, ...hp });
  return Array.from(p);
}

const expectClose = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));

describe('SGD on Float32Arrays', () => {
  it('momentum: the first buffer is the gradient, then buf = m*buf + g', () => {
    expectClose(run({ type: 'SGD', lr: 0.1, momentum: 0.9 }, [{ grad: [0.5, -1] }, { grad: [0.2, 0.4] }]), [0.885, -1.85]);
  });

  it('nesterov steps along g + m*buf, and weight decay adds wd*p to the gradient', () => {
    expectClose(run({ type: 'SGD', lr: 0.1, momentum: 0.9, nesterov: true }, [{ grad: [0.5, -1] }]), [0.905, -1.81]);
    // nesterov step 2: buf = 0.9*[0.5,-1] + [0.2,0.4] = [0.65,-0.5]; d = g + 0.9*buf = [0.785,-0.05]
    const two = [{ grad: [0.5, -1] }, { grad: [0.2, 0.4] }];
    expectClose(run({ type: 'SGD', lr: 0.1, momentum: 0.9, nesterov: true }, two), [0.905 - 0.0785, -1.81 + 0.005]);
    expectClose(run({ type: 'SGD', lr: 0.1, weight_decay: 0.5 }, [{ grad: [0.5, -1] }]), [0.9, -1.8]);
    // weight decay with momentum: d = [1, -2] on step 1 -> buf = d, p = [0.9, -1.8]
    expectClose(run({ type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 0.5 }, [{ grad: [0.5, -1] }]), [0.9, -1.8]);
  });

  it('takes the lr and momentum of each step from the caller (the scheduler)', () => {
    expectClose(run({ type: 'SGD', lr: 0.1 }, [{ grad: [1, 1], hp: { lr: 0.5 } }]), [0.5, -2.5]);
    // momentum 0.5 on step 2: buf = 0.5*[0.5,-1] + [0.2,0.4] = [0.45,-0.1]
    const steps = [{ grad: [0.5, -1] }, { grad: [0.2, 0.4], hp: { momentum: 0.5 } }];
    expectClose(run({ type: 'SGD', lr: 0.1, momentum: 0.9 }, steps), [0.95 - 0.045, -1.9 + 0.01]);
  });
});

describe('Adam and AdamW on Float32Arrays', () => {
  it('matches torch over two steps', () => {
    expectClose(run({ type: 'Adam', lr: 0.01 }, [{ grad: [0.5, -1] }, { grad: [0.2, 0.4] }]), [0.9810142, -1.9865439]);
  });

  it('bias-corrects with the current beta1 when a scheduler changes it', () => {
    const steps = [{ grad: [0.5, -1] }, { grad: [0.2, 0.4], hp: { momentum: 0.8 } }];
    expectClose(run({ type: 'Adam', lr: 0.01 }, steps), [0.9841631, -1.99]);
  });

  it('AdamW decays weights decoupled from the gradient (default 0.01); Adam adds wd*p to g', () => {
    expectClose(run({ type: 'AdamW', lr: 0.01, weight_decay: 0.1 }, [{ grad: [0.5, -1] }]), [0.989, -1.988]);
    expectClose(run({ type: 'AdamW', lr: 0.01 }, [{ grad: [0.5, -1] }]), [0.9899, -1.9898]);
    // Adam wd 1: g' = [1.5, -3], still a lr*sign(g') first step
    expectClose(run({ type: 'Adam', lr: 0.01, weight_decay: 1 }, [{ grad: [0.5, -1] }]), [0.99, -1.99]);
  });
});

describe('optimizer state', () => {
  it('round-trips through getState/setState and continues identically; a state is a copy the optimizer no longer touches', () => {
    for (const spec of [{ type: 'SGD', lr: 0.1, momentum: 0.9 }, { type: 'AdamW', lr: 0.01 }] as OptimizerSpec[]) {
      const p = Float32Array.from([1, -2, 3]);
      const a = createBlasOptimizer(spec, [3]);
      a.step([p], [Float32Array.from([0.5, -1, 0.1])], { lr: spec.lr, momentum: null });
      const b = createBlasOptimizer(spec, [3]);
      const state = a.getState();
      const before = structuredClone(state);
      b.setState(state, '/s');
      const [pa, pb] = [Float32Array.from(p), Float32Array.from(p)];
      a.step([pa], [Float32Array.from([0.2, 0.4, -0.3])], { lr: spec.lr, momentum: null });
      b.step([pb], [Float32Array.from([0.2, 0.4, -0.3])], { lr: spec.lr, momentum: null });
      expect(Array.from(pb)).toEqual(Array.from(pa));
      expect(b.getState()).toEqual(a.getState());
      expect(state).toEqual(before); // neither optimizer's step wrote into it
    }
  });

  it('refuses slots that do not fit the model, naming the slot', () => {
    const a = createBlasOptimizer({ type: 'SGD', lr: 0.1, momentum: 0.9 }, [3]);
    a.step([new Float32Array(3)], [new Float32Array(3)], { lr: 0.1, momentum: null });
    const b = createBlasOptimizer({ type: 'SGD', lr: 0.1, momentum: 0.9 }, [4]);
    expect(() => b.setState(a.getState(), '/trials/0/resume/optimizerState')).toThrow(TrainerConfigError);
    expect(() => b.setState(a.getState(), '/r')).toThrow('/r/slots/momentum_buffer/0');
  });
});
