import { describe, expect, it } from 'vitest';
import type { LeaderboardEntry } from '@lrsweep/contracts';
import { bestLine } from './best-line.ts';

const other = (schedule: Record<string, unknown>) => ({ schedule }) as LeaderboardEntry;

describe('bestLine', () => {
  it('is the plain call when the best is clear', () => {
    expect(bestLine({ schedule: { type: 'StepLR', step_size: 5, gamma: 0.1 }, tied: [] })).toBe('StepLR(step_size=5, gamma=0.1)');
  });

  it('names the schedules tied with it', () => {
    const tied = [other({ type: 'CosineAnnealingLR', T_max: 10 }), other({ type: 'ExponentialLR', gamma: 0.9 }), other({ type: 'StepLR', step_size: 3, gamma: 0.1 })];
    expect(bestLine({ schedule: { type: 'StepLR', step_size: 5, gamma: 0.1 }, tied }, (s) => `<${s}>`)).toBe(
      '<StepLR(step_size=5, gamma=0.1)>, tied with 3 others: CosineAnnealingLR(T_max=10), ExponentialLR(gamma=0.9), StepLR(step_size=3, gamma=0.1)',
    );
    expect(bestLine({ schedule: { type: 'ConstantLR' }, tied: tied.slice(0, 1) })).toBe('ConstantLR(), tied with 1 other: CosineAnnealingLR(T_max=10)');
  });
});
