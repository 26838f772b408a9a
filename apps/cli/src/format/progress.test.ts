import { describe, expect, it } from 'vitest';
import { estimateEta, formatDuration, percent, progressBar } from './progress.ts';

describe('progressBar', () => {
  it('fills its width in proportion, clamped to 0..1', () => {
    expect(progressBar(0.5, 10)).toBe('[█████░░░░░]');
    expect(progressBar(0, 4)).toBe('[░░░░]');
    expect(progressBar(1, 4)).toBe('[████]');
    expect(progressBar(1.7, 4)).toBe('[████]');
    expect(progressBar(Number.NaN, 4)).toBe('[░░░░]');
    expect(progressBar(3 / 8, 8)).toBe('[███░░░░░]');
  });

  it('rounds percentages down so 100% means done', () => {
    expect(percent(0.999)).toBe('99%');
    expect(percent(1)).toBe('100%');
  });
});

describe('formatDuration', () => {
  it('shows seconds, minutes or hours', () => {
    expect(formatDuration(7.4)).toBe('7s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(-3)).toBe('0s');
  });
});

describe('estimateEta', () => {
  it('extrapolates the rate of finished trials since watching began', () => {
    // 4 trials finished in 10 s -> 0.4/s; 6 left -> 15 s
    expect(estimateEta({ at: 0, finished: 2 }, { at: 10_000, finished: 6 }, 12)).toBeCloseTo(15, 10);
    expect(estimateEta({ at: 0, finished: 0 }, { at: 5_000, finished: 8 }, 8)).toBe(0);
  });

  it('has no estimate before a trial has finished', () => {
    expect(estimateEta({ at: 0, finished: 3 }, { at: 60_000, finished: 3 }, 8)).toBeNull();
    expect(estimateEta({ at: 0, finished: 0 }, { at: 0, finished: 0 }, 8)).toBeNull();
  });
});
