// Where PyTorch 1.13 (which produced the reference file) and 2.x disagree, this package follows
// 2.x. Each test names the difference so a reader can find it; none of the 36 reference cases
// hits one.
import { describe, expect, it } from 'vitest';
import { createScheduler, ScheduleError, trajectory } from './index.ts';

describe('PyTorch 1.13 vs 2.x', () => {
  it('2.x: CyclicLR cycles Adam betas[0] (1.13 raised "optimizer must support momentum")', () => {
    const t = trajectory({ optimizer: { type: 'Adam', lr: 0.1 }, scheduler: { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 2 }, steps: 2 });
    expect(t.momentum!.map((r) => r[0])).toEqual([0.9, 0.8500000000000001, 0.8]);
  });

  it('2.x: the cycle_momentum error names beta1 too', () => {
    expect(() => createScheduler({ type: 'OneCycleLR', max_lr: 1, total_steps: 5 }, { type: 'Adagrad' })).toThrow(
      'optimizer must support momentum or beta1 with `cycle_momentum` option enabled',
    );
  });

  it('2.x: MultiplicativeLR multiplies by lr_lambda(0) when SequentialLR switches to it (1.13 kept the lr)', () => {
    const lr = trajectory({
      optimizer: { type: 'SGD', lr: 1 },
      scheduler: { type: 'SequentialLR', schedulers: [{ type: 'ConstantLR', factor: 0.5, total_iters: 9 }, { type: 'MultiplicativeLR', lr_lambda: '0.5' }], milestones: [2] },
      steps: 3,
    }).lr.map((r) => r[0]);
    // 1.13 would give [0.5, 0.5, 0.5, 0.25]: its get_lr skipped the multiply at last_epoch 0.
    expect(lr).toEqual([0.5, 0.5, 0.25, 0.125]);
  });

  it('2.x: OneCycleLR reports the step count itself past total_steps (1.13 printed step_num + 1)', () => {
    const s = createScheduler({ type: 'OneCycleLR', max_lr: 1, total_steps: 2 }, { type: 'SGD', momentum: 0.9 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow('Tried to step 3 times. The specified number of total steps is 2');
  });

  it('2.x: OneCycleLR with only epochs raises the "You must define" ValueError (1.13 hit a TypeError)', () => {
    expect(() => createScheduler({ type: 'OneCycleLR', max_lr: 1, epochs: 3 }, { type: 'SGD' })).toThrow(ScheduleError);
  });

  it('2.x: SequentialLR undoes initial steps recursively, so a ChainedScheduler may come first (1.13 raised AttributeError)', () => {
    const lr = trajectory({
      optimizer: { type: 'SGD', lr: 1 },
      scheduler: {
        type: 'SequentialLR',
        schedulers: [{ type: 'ChainedScheduler', schedulers: [{ type: 'ConstantLR', factor: 0.5, total_iters: 2 }, { type: 'ExponentialLR', gamma: 0.5 }] }, { type: 'StepLR', step_size: 1 }],
        milestones: [3],
      },
      steps: 4,
    }).lr.map((r) => r[0]);
    // The chain's first step runs outside initial mode, so ExponentialLR multiplies at epoch 0: PyTorch 2.x's quirk.
    expect(lr).toEqual([0.25, 0.125, 0.125, 1, 0.1]);
  });

  it('2.x: CosineAnnealingWarmRestarts wraps T_cur with % (1.13 subtracted); equal for whole steps', () => {
    const lr = trajectory({ optimizer: { type: 'SGD', lr: 1 }, scheduler: { type: 'CosineAnnealingWarmRestarts', T_0: 2 }, steps: 4 }).lr.map((r) => r[0]);
    expect(lr).toEqual([1, 0.5, 1, 0.5, 1]);
  });

  it('2.x defaults: SGD lr defaults to 1e-3 (1.13 required it)', () => {
    expect(createScheduler({ type: 'StepLR', step_size: 1 }, { type: 'SGD' }).lrs).toEqual([1e-3]);
  });
});
