import { describe, expect, it } from 'vitest';
import { trialTraining } from './trial-training.ts';

const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 12, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } };
const schedule = { type: 'StepLR', step_size: 6, gamma: 0.5 };
const claimed = (budgetEpochs: number | null, early_stopping?: object, sweepTask: object = task) => ({
  schedule,
  budgetEpochs,
  sweep: { spec: { name: 's', task: sweepTask, schedules: [schedule], ...(early_stopping ? { early_stopping } : {}) }, objectiveMetric: 'val_loss', objectiveMode: 'min' as const },
});
const halving = { type: 'successive_halving', min_epochs: 4, eta: 3, rescale: true };

describe('trialTraining', () => {
  it("is the sweep's task and the schedule as written for a grid trial and for the last rung", () => {
    expect(trialTraining(claimed(null))).toEqual({ task, schedule });
    expect(trialTraining(claimed(12, { type: 'successive_halving', min_epochs: 4, eta: 3, rescale: true }))).toEqual({ task, schedule });
  });

  it("trains a rung's epochs with a per-epoch schedule compressed onto the rung's steps", () => {
    const t = trialTraining(claimed(4, halving));
    expect(t.task.epochs).toBe(4);
    // 720 spirals in batches of 32: 23 steps an epoch; 6 of 12 epochs is 46 of the rung's 92 steps.
    expect(t.schedule).toEqual({ type: 'StepLR', step_size: 46, gamma: 0.5, interval: 'step' });
  });

  it("compresses onto a script's declared steps per epoch, and onto epochs when it declares none", () => {
    const external = { trainer: 'python train.py', epochs: 12, optimizer: { type: 'SGD', lr: 0.1 } };
    expect(trialTraining(claimed(4, halving, { ...external, stepsPerEpoch: 10 })).schedule).toEqual({ type: 'StepLR', step_size: 20, gamma: 0.5, interval: 'step' });
    expect(trialTraining(claimed(4, halving, external)).schedule).toEqual({ type: 'StepLR', step_size: 2, gamma: 0.5, interval: 'epoch' });
  });

  it('cuts the full schedule short with rescale false', () => {
    const t = trialTraining(claimed(4, { type: 'successive_halving', min_epochs: 4, eta: 3, rescale: false }));
    expect(t).toEqual({ task: { ...task, epochs: 4 }, schedule });
  });
});
