import { describe, expect, it } from 'vitest';
import { meanInterval, sampleStd } from './interval.ts';

describe('meanInterval', () => {
  it('is the t interval of the mean (checked by hand: 1, 2, 3 -> 2 ± 4.303 · 1/√3)', () => {
    const s = meanInterval([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(s.std).toBeCloseTo(1, 12);
    expect(s.ci![0]).toBeCloseTo(2 - 4.302653 / Math.sqrt(3), 5);
    expect(s.ci![1]).toBeCloseTo(2 + 4.302653 / Math.sqrt(3), 5);
  });

  it('has no interval for one value, and a zero-width one for equal values', () => {
    expect(meanInterval([0.4])).toEqual({ mean: 0.4, std: 0, n: 1, ci: null });
    expect(meanInterval([0.4, 0.4]).ci).toEqual([0.4, 0.4]);
  });

  it('uses the n - 1 standard deviation', () => {
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138090, 6);
  });
});
