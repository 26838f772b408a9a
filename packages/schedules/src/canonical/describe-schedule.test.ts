import { describe, expect, it } from 'vitest';
import { describeSchedule } from './describe-schedule.ts';

describe('describeSchedule', () => {
  it('writes parameters in the order of the PyTorch signature, whatever the key order', () => {
    expect(describeSchedule({ gamma: 0.5, step_size: 2, type: 'StepLR' })).toBe('StepLR(step_size=2, gamma=0.5)');
    // A searched lr, carried in the trial's schedule, is said apart from the scheduler's arguments.
    expect(describeSchedule({ gamma: 0.5, step_size: 2, type: 'StepLR', lr: 0.01, interval: 'epoch' })).toBe('StepLR(step_size=2, gamma=0.5) per epoch at lr=0.01');
    expect(describeSchedule({ type: 'ReduceLROnPlateau', patience: 0, factor: 0.5 })).toBe('ReduceLROnPlateau(factor=0.5, patience=0)');
  });

  it('puts unknown parameters last, alphabetically', () => {
    expect(describeSchedule({ type: 'StepLR', zeta: 1, alpha: 2, gamma: 0.1, step_size: 3 })).toBe('StepLR(step_size=3, gamma=0.1, alpha=2, zeta=1)');
  });

  it('writes Python literals, nested schedulers and the interval', () => {
    expect(
      describeSchedule({
        type: 'SequentialLR',
        milestones: [2],
        schedulers: [
          { type: 'LinearLR', total_iters: 2, start_factor: 0.1 },
          { type: 'LambdaLR', lr_lambda: '0.9 ** epoch' },
        ],
      }),
    ).toBe('SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=2), LambdaLR(lr_lambda="0.9 ** epoch")], milestones=[2])');
    expect(describeSchedule({ type: 'OneCycleLR', three_phase: true, max_lr: 0.4, interval: 'step' })).toBe('OneCycleLR(max_lr=0.4, three_phase=True) per step');
  });
});
