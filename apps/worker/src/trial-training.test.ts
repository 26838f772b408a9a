import { describe, expect, it } from 'vitest';
import { trialTraining } from './trial-training.ts';

const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 12, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } };
const schedule = { type: 'StepLR', step_size: 6, gamma: 0.5 };
const claimed = (budgetEpochs: number | null, early_stopping?: object) => ({
  schedule,
  budgetEpochs,
  sweep: { spec: { name: 's', task, schedules: [schedule], ...(early_stopping ? { early_stopping } : {}) }, objectiveMetric: 'val_loss', objectiveMode: 'min' as const },
});

describe('trialTraining', () => {
  it("is the sweep's task and the schedule as written for a grid trial and for the last rung", () => {
    expect(trialTraining(claimed(null))).toEqual({ task, schedule });
    expect(trialTraining(claimed(12, { type: 'successive_halving', min_epochs: 4, eta: 3, rescale: true }))).toEqual({ task, schedule });
  });

  it("trains a rung's epochs with the schedule compressed to them", () => {
    const t = trialTraining(claimed(4, { type: 'successive_halving', min_epochs: 4, eta: 3, rescale: true }));
    expect(t.task.epochs).toBe(4);
    expect(t.schedule).toEqual({ type: 'StepLR', step_size: 2, gamma: 0.5, interval: 'epoch' });
  });

  it('cuts the full schedule short with rescale false', () => {
    const t = trialTraining(claimed(4, { type: 'successive_halving', min_epochs: 4, eta: 3, rescale: false }));
    expect(t).toEqual({ task: { ...task, epochs: 4 }, schedule });
  });
});
