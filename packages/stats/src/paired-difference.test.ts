import { describe, expect, it } from 'vitest';
import { difference } from './paired-difference.ts';

describe('difference', () => {
  it('pairs by seed, cancelling the spread the seeds share', () => {
    // The seeds move both schedules by up to 0.1; b is 0.01 better on every one of them.
    const a = [[0, 0.50], [1, 0.60], [2, 0.40]] as const;
    const b = [[0, 0.49], [1, 0.59], [2, 0.39]] as const;
    const d = difference(a, b);
    expect(d.method).toBe('paired');
    expect(d.pairs).toBe(3);
    expect(d.diff).toBeCloseTo(0.01, 12);
    expect(d.ci![0]).toBeCloseTo(0.01, 9);
    expect(d.ci![1]).toBeCloseTo(0.01, 9);
  });

  it('is the paired t interval of the differences (hand-computed)', () => {
    // differences 1, 2, 3: mean 2, sd 1, t_{0.975,2} = 4.302653
    const d = difference([[1, 11], [2, 12], [3, 13]], [[1, 10], [2, 10], [3, 10]]);
    expect(d.ci![0]).toBeCloseTo(2 - 4.302653 / Math.sqrt(3), 5);
  });

  it('pairs only the seeds both have', () => {
    const d = difference([[0, 1], [1, 2], [2, 5]], [[0, 0], [1, 1]]);
    expect(d).toMatchObject({ method: 'paired', pairs: 2, diff: 1, ci: [1, 1] });
  });

  it('falls back to Welch when the seeds are disjoint', () => {
    const d = difference([[0, 1], [1, 3]], [[5, 0], [6, 0], [7, 0]]);
    expect(d.method).toBe('unpaired');
    expect(d.pairs).toBe(0);
    expect(d.diff).toBe(2);
    // sd(a) = √2, se = 1, b has no spread: Welch's df = 1, so 2 ± 12.706
    expect(d.ci![1]).toBeCloseTo(2 + 12.7062, 3);
  });

  it('has no interval with one value and nothing to pair', () => {
    expect(difference([[0, 1]], [[0, 0]])).toEqual({ diff: 1, ci: null, method: 'paired', pairs: 1 });
    expect(difference([[0, 1]], [[1, 0], [2, 0]])).toMatchObject({ ci: null, method: 'unpaired' });
  });

  it('counts a seed run twice as one pair at its mean', () => {
    const d = difference([[0, 1], [0, 3], [1, 2]], [[0, 1], [1, 1]]);
    expect(d).toMatchObject({ pairs: 2, diff: 1 });
  });
});
