import { describe, expect, it } from 'vitest';
import type { TrialDetail } from '@lrsweep/contracts';
import { trialReport } from './trial.command.ts';

const trial = (pack: TrialDetail['pack']): TrialDetail => ({
  id: 't1',
  sweepId: 's1',
  index: 0,
  state: 'completed',
  schedule: { type: 'StepLR', step_size: 100 },
  seed: 2,
  metrics: { val_loss: 0.5, val_acc: 0.8, train_loss: 0.4 },
  epochsDone: 2,
  attempts: 1,
  worker: 'w:1',
  backend: 'blas',
  seconds: 1.5,
  error: null,
  divergedEpoch: null,
  pack,
  epochs: [
    { epoch: 0, lr: 0.1, train_loss: 1, val_loss: 0.9, val_acc: 0.5, seconds: 0.5 },
    { epoch: 1, lr: 0.1, train_loss: 0.5, val_loss: 0.5, val_acc: 0.8, seconds: 0.5 },
  ],
});

describe('trialReport', () => {
  it('names the pack the trial trained in and its size', () => {
    const report = trialReport(trial({ id: 'a1b2c3', size: 6 }));
    expect(report).toMatch(/^pack\s+a1b2c3 \(6 trials\)$/m);
    expect(report).toMatch(/^backend\s+blas$/m);
  });

  it('says "-" for a trial that trained alone, and lists each epoch', () => {
    const lines = trialReport(trial(null)).split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^pack\s+-$/));
    expect(lines.filter((l) => /^\s+[01]\s+0\.1000\s/.test(l))).toHaveLength(2);
  });
});
