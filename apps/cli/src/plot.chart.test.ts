import { describe, expect, it } from 'vitest';
import { formatLr, plotChart } from './plot.chart.ts';

describe('plotChart', () => {
  const chart = plotChart([{ label: 'step g0', values: [0.1, 0.1, 0.05, 0.05, 0.025] }, { label: 'other', values: [0.02, 0.03, 0.04, 0.05, 0.06] }], { width: 60, height: 8 });
  const lines = chart.split('\n');

  it('labels the y axis with the extreme and middle lr values', () => {
    expect(lines[0]).toMatch(/^ *0\.1┤/);
    expect(lines[7]).toMatch(/^ *0\.02┤/);
    expect(chart).toContain('0.06');
  });

  it('draws braille within the requested width', () => {
    expect(chart).toMatch(/[\u2801-\u28ff]/);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60 + 6);
  });

  it('numbers the x axis with steps and lists a legend entry per series', () => {
    expect(lines[9]).toMatch(/^ +0 .* 4 {2}step$/);
    expect(chart).toContain('step g0');
    expect(chart).toContain('other');
  });

  it('handles a flat series and an empty one', () => {
    expect(plotChart([{ label: 'flat', values: [0.1, 0.1] }])).toContain('0.1');
    expect(plotChart([{ label: 'none', values: [] }])).toBe('(nothing to plot)\n');
  });

  it('formats tiny lrs in exponent form', () => {
    expect(formatLr(4e-6)).toBe('4.00e-6');
    expect(formatLr(0.0123456)).toBe('0.0123');
  });
});
