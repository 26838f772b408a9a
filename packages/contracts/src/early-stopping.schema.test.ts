import { describe, expect, it } from 'vitest';
import { earlyStoppingIssues, maxPromoted, rungEpochs, worstCaseTrials } from './early-stopping.schema.ts';

describe('successive halving rungs', () => {
  it('grows by eta from min_epochs and ends with the full run', () => {
    expect(rungEpochs({ min_epochs: 3, eta: 3 }, 27)).toEqual([3, 9, 27]);
    expect(rungEpochs({ min_epochs: 3, eta: 3 }, 10)).toEqual([3, 9, 10]);
    expect(rungEpochs({ min_epochs: 1, eta: 2 }, 5)).toEqual([1, 2, 4, 5]);
  });

  it('promotes the best ceil(n/eta) and at most one tied configuration more', () => {
    expect(maxPromoted(12, 3)).toBe(5);
    expect(maxPromoted(2, 3)).toBe(2);
    expect(maxPromoted(1, 3)).toBe(1);
  });

  it('bounds the trials a sweep can create by its fullest rungs', () => {
    // 12 configurations x 3 seeds: 12, then at most 5, then 3 configurations.
    expect(worstCaseTrials(12, 3, { min_epochs: 1, eta: 3 }, 9)).toBe((12 + 5 + 3) * 3);
  });

  it('refuses a first rung as long as the run, naming the field', () => {
    expect(earlyStoppingIssues({ type: 'successive_halving', min_epochs: 10, eta: 3, rescale: true }, 10)).toEqual([
      { path: '/early_stopping/min_epochs', message: expect.stringMatching(/less than the task's epochs \(10\), got 10/) },
    ]);
    expect(earlyStoppingIssues({ type: 'successive_halving', min_epochs: 3, eta: 3, rescale: true }, 10)).toEqual([]);
  });
});
