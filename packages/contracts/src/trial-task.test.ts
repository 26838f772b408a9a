import { describe, expect, it } from 'vitest';
import type { SweepTask } from './task.schema.ts';
import { trialTask } from './trial-task.ts';

const builtin = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: { values: [0.1, 0.01] }, momentum: 0.9 } } as SweepTask;
const script = { trainer: 'mnist', epochs: 2, optimizer: { type: 'Adam', lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-2 } } } as SweepTask;

describe('trialTask', () => {
  it("gives the task the trial's lr and the trainer the schedule without it", () => {
    expect(trialTask(builtin, { type: 'StepLR', step_size: 2, lr: 0.01 })).toEqual({
      task: { ...builtin, optimizer: { type: 'SGD', lr: 0.01, momentum: 0.9 } },
      schedule: { type: 'StepLR', step_size: 2 },
    });
    expect(trialTask(script, { type: 'ExponentialLR', gamma: 0.9, lr: 0.002 }).task).toEqual({ ...script, optimizer: { type: 'Adam', lr: 0.002 } });
  });

  it('leaves a sweep with a fixed lr as it is', () => {
    const fixed = { ...builtin, optimizer: { type: 'SGD', lr: 0.1 } } as SweepTask;
    expect(trialTask(fixed, { type: 'StepLR', step_size: 2 })).toEqual({ task: fixed, schedule: { type: 'StepLR', step_size: 2 } });
  });

  it('refuses a trial of an lr-searching sweep that carries no lr, rather than train with an axis', () => {
    expect(() => trialTask(builtin, { type: 'StepLR', step_size: 2 })).toThrow(/searches optimizer.lr/);
    expect(() => trialTask(builtin, { type: 'StepLR', step_size: 2, lr: -1 })).toThrow(/not a positive number/);
  });
});
