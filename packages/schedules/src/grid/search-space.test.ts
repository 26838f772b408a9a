import { describe, expect, it } from 'vitest';
import { configurationAt, searchPoints, searchSpaceOf } from './search-space.ts';

const take = <T>(it: Iterator<T>, n: number): T[] => Array.from({ length: n }, () => it.next().value as T);

describe('searchSpaceOf', () => {
  it('finds axes and distributions at any depth, named by JSON pointer', () => {
    const entry = {
      type: 'SequentialLR',
      milestones: [3],
      schedulers: [{ type: 'LinearLR', total_iters: { values: [2, 4] } }, { type: 'ExponentialLR', gamma: { distribution: 'uniform', min: 0.8, max: 0.99 } }],
    };
    const { parameters, issues } = searchSpaceOf(entry, '/schedules/1');
    expect(issues).toEqual([]);
    expect(parameters.map((p) => [p.at, p.kind])).toEqual([
      ['/schedules/1/schedulers/0/total_iters', 'values'],
      ['/schedules/1/schedulers/1/gamma', 'distribution'],
    ]);
  });

  it("collects every bad parameter's issues", () => {
    const { issues } = searchSpaceOf({ type: 'StepLR', step_size: { values: [] }, gamma: { distribution: 'uniform', min: 1, max: 0 } }, '/schedules/0');
    expect(issues.map((i) => i.path)).toEqual(['/schedules/0/step_size/values', '/schedules/0/gamma/min']);
  });
});

describe('configurationAt', () => {
  it('puts each drawn value in place and names it', () => {
    const entry = { type: 'StepLR', step_size: { distribution: 'int_uniform', min: 1, max: 10 }, gamma: { values: [0.1, 0.5] } };
    const { parameters } = searchSpaceOf(entry, '/schedules/0');
    const got = configurationAt(entry, parameters, [0.55, 0.75]);
    expect(got.schedule).toEqual({ type: 'StepLR', step_size: 6, gamma: 0.5 });
    expect(got.choices).toEqual(['/schedules/0/step_size = 6', '/schedules/0/gamma = 0.5']);
    expect(entry.gamma).toEqual({ values: [0.1, 0.5] });
  });
});

describe('searchPoints', () => {
  it.each(['random', 'sobol'] as const)('%s: the same seed and stream give the same points, another seed others', (method) => {
    const a = take(searchPoints(method, 3, 7, 0), 20);
    expect(take(searchPoints(method, 3, 7, 0), 20)).toEqual(a);
    expect(take(searchPoints(method, 3, 8, 0), 20)).not.toEqual(a);
    expect(take(searchPoints(method, 3, 7, 1), 20)).not.toEqual(a);
    for (const p of a) for (const x of p) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keeps the Sobol spread once shifted: the first 16 points fill 16 cells of each dimension', () => {
    const points = take(searchPoints('sobol', 4, 123, 2), 16);
    for (let d = 0; d < 4; d++) expect(new Set(points.map((p) => Math.floor(p[d]! * 16))).size).toBe(16);
  });
});
