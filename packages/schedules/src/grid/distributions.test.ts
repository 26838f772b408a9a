import { describe, expect, it } from 'vitest';
import { parseDistribution } from './distributions.ts';

const drawer = (d: Record<string, unknown>) => {
  const parsed = parseDistribution(d, '/schedules/0/gamma');
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues));
  return parsed.draw;
};
const grid = Array.from({ length: 1001 }, (_, i) => Math.min(i / 1000, 1 - 2 ** -40));

describe('parseDistribution', () => {
  it('draws uniform values inside [min, max]', () => {
    const draw = drawer({ distribution: 'uniform', min: 0.2, max: 0.7 });
    for (const u of grid) expect(draw(u)).toBeGreaterThanOrEqual(0.2), expect(draw(u)).toBeLessThanOrEqual(0.7);
    expect(draw(0.5)).toBeCloseTo(0.45);
  });

  it('draws log_uniform_values evenly in the logarithm', () => {
    const draw = drawer({ distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 });
    expect(draw(0)).toBeCloseTo(1e-4, 12);
    expect(draw(1 / 3)).toBeCloseTo(1e-3, 12);
    for (const u of grid) expect(draw(u)).toBeGreaterThanOrEqual(1e-4), expect(draw(u)).toBeLessThanOrEqual(1e-1);
  });

  it('draws every integer of int_uniform, ends included, and nothing else', () => {
    const draw = drawer({ distribution: 'int_uniform', min: 2, max: 5 });
    const seen = new Set(grid.map(draw));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
    expect([...seen].every(Number.isInteger)).toBe(true);
  });

  it('rounds q_uniform to multiples of q inside [min, max], without decimal noise', () => {
    const draw = drawer({ distribution: 'q_uniform', min: 0.05, max: 0.32, q: 0.1 });
    const seen = [...new Set(grid.map(draw))].sort();
    expect(seen).toEqual([0.1, 0.2, 0.3]);
  });

  it('rounds q_log_uniform_values to multiples of q and stays positive', () => {
    const draw = drawer({ distribution: 'q_log_uniform_values', min: 1, max: 1000, q: 10 });
    const seen = new Set(grid.map(draw));
    expect([...seen].every((x) => x >= 10 && x <= 1000 && x % 10 === 0)).toBe(true);
    expect(seen.has(10)).toBe(true);
  });

  it.each([
    [{ distribution: 'normal', min: 0, max: 1 }, '/schedules/0/gamma/distribution', /unknown distribution "normal"/],
    [{ distribution: 'uniform', min: 2, max: 1 }, '/schedules/0/gamma/min', /min \(2\) is greater than max \(1\)/],
    [{ distribution: 'uniform', max: 1 }, '/schedules/0/gamma/min', /needs a number min/],
    [{ distribution: 'log_uniform_values', min: 0, max: 1 }, '/schedules/0/gamma/min', /min must be positive, not 0/],
    [{ distribution: 'q_log_uniform_values', min: -1, max: 1, q: 0.1 }, '/schedules/0/gamma/min', /min must be positive/],
    [{ distribution: 'int_uniform', min: 1.5, max: 3 }, '/schedules/0/gamma/min', /must be an integer/],
    [{ distribution: 'q_uniform', min: 0, max: 1, q: 0 }, '/schedules/0/gamma/q', /q must be a positive number/],
    [{ distribution: 'q_uniform', min: 0.1, max: 0.2, q: 1 }, '/schedules/0/gamma/q', /no multiple of q/],
    [{ distribution: 'uniform', min: 0, max: 1, q: 1 }, '/schedules/0/gamma/q', /uniform takes min, max, not q/],
  ])('refuses %j at its field', (d, path, message) => {
    const parsed = parseDistribution(d, '/schedules/0/gamma');
    expect('issues' in parsed && parsed.issues[0]).toMatchObject({ path, message: expect.stringMatching(message) });
  });
});
