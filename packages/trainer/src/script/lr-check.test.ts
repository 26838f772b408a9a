import { describe, expect, it } from 'vitest';
import { LrCheck } from './lr-check.ts';

const sgd = { type: 'SGD', lr: 0.1 } as const;

describe('LrCheck', () => {
  it('accepts the lrs PyTorch gives at the start of each epoch', () => {
    const c = new LrCheck({ type: 'StepLR', step_size: 2, gamma: 0.5 }, sgd, 4);
    expect([0.1, 0.1, 0.05, 0.05].map((lr, e) => c.check(e, lr, 1))).toEqual([null, null, null, null]);
  });

  it('names the first epoch whose lr differs', () => {
    const c = new LrCheck({ type: 'StepLR', step_size: 2, gamma: 0.5 }, sgd, 4);
    expect(c.check(0, 0.1, 1)).toBeNull();
    expect(c.check(1, 0.05, 1)).toMatch(/^epoch 1: the script's lr 0.05 differs from StepLR's 0.1/);
  });

  it('follows ReduceLROnPlateau through the reported metrics', () => {
    const c = new LrCheck({ type: 'ReduceLROnPlateau', factor: 0.5, patience: 0 }, sgd, 3);
    expect(c.check(0, 0.1, 1.0)).toBeNull();
    expect(c.check(1, 0.1, 2.0)).toBeNull(); // epoch 0 improved: no change
    expect(c.check(2, 0.05, 2.0)).toBeNull(); // epoch 1 did not: halved
  });

  it('steps per-step schedules by the steps per epoch, filling in OneCycleLR as the script does', () => {
    const c = new LrCheck({ type: 'OneCycleLR', max_lr: 1 }, sgd, 2);
    expect(c.check(0, 0.04, 1, 10)).toBeNull();
    expect(c.check(1, 0.5, 1, 10)).not.toBeNull();
    const skipped = new LrCheck({ type: 'OneCycleLR', max_lr: 1, total_steps: 20 }, sgd, 2);
    expect(skipped.check(1, 123, 1)).toBeNull(); // steps per epoch unknown: nothing to compare
  });
});
