import type { CreateSweepBody } from '@lrsweep/contracts';
import { describe, expect, it } from 'vitest';
import { planSweep } from './plan-sweep.ts';

const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } } as CreateSweepBody['task'];
const body = (patch: object): CreateSweepBody => ({ name: 's', task, schedules: [{ type: 'StepLR', step_size: 1 }], ...patch }) as unknown as CreateSweepBody;
const plan = (b: CreateSweepBody, max = 10_000) => {
  const out = planSweep(b, max);
  if ('issues' in out) throw new Error(JSON.stringify(out.issues));
  return out.plan.trials;
};
const issuesOf = (b: CreateSweepBody, max = 10_000) => {
  const out = planSweep(b, max);
  return 'issues' in out ? out.issues : [];
};

const searched = {
  type: 'StepLR',
  step_size: { distribution: 'int_uniform', min: 1, max: 3 },
  gamma: { distribution: 'log_uniform_values', min: 0.05, max: 0.9 },
};

describe('planSweep: random and sobol search', () => {
  it.each(['random', 'sobol'] as const)('%s draws count configurations per entry x seeds, the same for the same seed', (method) => {
    const b = body({ schedules: [searched, { type: 'ExponentialLR', gamma: { distribution: 'uniform', min: 0.5, max: 0.99 } }], seeds: 2, search: { method, count: 5, seed: 3 } });
    const trials = plan(b);
    expect(trials).toHaveLength(2 * 5 * 2);
    expect(plan(b)).toEqual(trials);
    expect(plan({ ...b, search: { method, count: 5, seed: 4 } }).map((t) => t.scheduleKey)).not.toEqual(trials.map((t) => t.scheduleKey));
    expect(new Set(trials.map((t) => t.scheduleKey)).size).toBe(10);
    for (const t of trials.filter((t) => t.schedule.type === 'StepLR')) {
      expect(Number.isInteger(t.schedule.step_size)).toBe(true);
      expect(t.schedule.gamma).toBeGreaterThanOrEqual(0.05);
      expect(t.schedule.gamma).toBeLessThanOrEqual(0.9);
      expect(t.source).toMatch(/^\/schedules\/0 \(drawn \/schedules\/0\/step_size = \d, \/schedules\/0\/gamma = [\d.]+\)$/);
    }
  });

  it('samples a values axis uniformly from its values under random search', () => {
    const trials = plan(body({ schedules: [{ type: 'StepLR', step_size: { values: [1, 2, 3] }, gamma: { distribution: 'uniform', min: 0.1, max: 0.9 } }], search: { method: 'random', count: 12 } }));
    expect(new Set(trials.map((t) => t.schedule.step_size))).toEqual(new Set([1, 2, 3]));
  });

  it('keeps an entry with nothing to draw as one configuration', () => {
    const trials = plan(body({ schedules: [searched, { type: 'ExponentialLR', gamma: 0.9 }], search: { method: 'sobol', count: 4 } }));
    expect(trials.filter((t) => t.schedule.type === 'ExponentialLR')).toHaveLength(1);
    expect(trials).toHaveLength(5);
  });

  it('draws a repeated configuration again, and says when the space is too small', () => {
    const small = { type: 'StepLR', step_size: { distribution: 'int_uniform', min: 1, max: 3 } };
    expect(new Set(plan(body({ schedules: [small], search: { method: 'random', count: 3 } })).map((t) => t.schedule.step_size))).toEqual(new Set([1, 2, 3]));
    expect(issuesOf(body({ schedules: [small], search: { method: 'random', count: 4 } }))).toEqual([
      { path: '/search/count', message: expect.stringMatching(/\/schedules\/0 has only 3 distinct configurations .* fewer than count 4/) },
    ]);
  });
});

describe('planSweep: a searched lr', () => {
  it('is one more grid axis: each configuration once per lr, carried in the schedule', () => {
    const trials = plan(body({ task: { ...task, optimizer: { type: 'SGD', lr: { values: [0.1, 0.01] } } } as never, schedules: [{ type: 'StepLR', step_size: { values: [1, 2] } }] }));
    expect(trials.map((t) => t.schedule)).toEqual([
      { type: 'StepLR', step_size: 1, lr: 0.1 },
      { type: 'StepLR', step_size: 1, lr: 0.01 },
      { type: 'StepLR', step_size: 2, lr: 0.1 },
      { type: 'StepLR', step_size: 2, lr: 0.01 },
    ]);
    expect(new Set(trials.map((t) => t.scheduleKey)).size).toBe(4);
    expect(trials[1]!.source).toBe('/schedules/0 (grid values /schedules/0/step_size/values/0, /task/optimizer/lr/values/1)');
  });

  it('is drawn with the schedule under random search', () => {
    const lr = { distribution: 'log_uniform_values', min: 1e-3, max: 1 };
    const trials = plan(body({ task: { ...task, optimizer: { type: 'SGD', lr } } as never, schedules: [{ type: 'ExponentialLR', gamma: 0.9 }], search: { method: 'random', count: 6, seed: 1 } }));
    expect(trials).toHaveLength(6);
    for (const t of trials) expect(t.schedule.lr as number).toBeGreaterThanOrEqual(1e-3), expect(t.schedule.lr as number).toBeLessThanOrEqual(1);
    expect(new Set(trials.map((t) => t.schedule.lr)).size).toBe(6);
  });

  it('leaves the schedule as today when the lr is a number', () => {
    expect(plan(body({}))[0]!.schedule).toEqual({ type: 'StepLR', step_size: 1 });
  });
});

describe('planSweep: bad search input names the field', () => {
  const lrTask = (lr: unknown) => ({ ...task, optimizer: { type: 'SGD', lr } }) as never;
  it.each([
    ['count with grid', body({ search: { method: 'grid', count: 3 } }), '/search/count', /count is for "random" and "sobol"/],
    ['random without count', body({ search: { method: 'random' } }), '/search/count', /needs count/],
    ['a distribution under grid', body({ schedules: [searched] }), '/schedules/0/step_size', /a distribution is drawn from, not enumerated/],
    ['an lr distribution under grid', body({ task: lrTask({ distribution: 'uniform', min: 0.1, max: 1 }) }), '/task/optimizer/lr', /not enumerated/],
    ['min > max', body({ schedules: [{ type: 'ExponentialLR', gamma: { distribution: 'uniform', min: 0.9, max: 0.1 } }], search: { method: 'random', count: 2 } }), '/schedules/0/gamma/min', /greater than max/],
    ['a non-positive log bound', body({ task: lrTask({ distribution: 'log_uniform_values', min: 0, max: 1 }), search: { method: 'sobol', count: 2 } }), '/task/optimizer/lr/min', /must be positive/],
    ['a non-positive lr range', body({ task: lrTask({ distribution: 'uniform', min: -1, max: 1 }), search: { method: 'random', count: 2 } }), '/task/optimizer/lr/min', /must be positive/],
    ['a non-positive lr value', body({ task: lrTask({ values: [0.1, 0] }) }), '/task/optimizer/lr/values/1', /positive number/],
    ['an lr inside a schedule', body({ schedules: [{ type: 'StepLR', step_size: 1, lr: 0.1 }] }), '/schedules/0/lr', /search it at \/task\/optimizer\/lr/],
    ['a worst case over the limit', body({ schedules: [searched, searched], seeds: 10, search: { method: 'random', count: 50 } }), '/search/count', /random search draws 1000 trials.*limit is 999/],
  ])('%s', (_name, b, path, message) => {
    const issues = issuesOf(b, 999);
    expect(issues.find((i) => i.path === path), JSON.stringify(issues)).toMatchObject({ message: expect.stringMatching(message) });
  });
});

describe('examples/search-sobol.json', () => {
  it('plans: 3 entries x 8 Sobol draws (schedule and lr together) x 2 seeds', async () => {
    const { readFile } = await import('node:fs/promises');
    const example = JSON.parse(await readFile(new URL('../../../../examples/search-sobol.json', import.meta.url), 'utf8')) as CreateSweepBody;
    const trials = plan(example);
    expect(trials).toHaveLength(3 * 8 * 2);
    expect(trials.every((t) => typeof t.schedule.lr === 'number')).toBe(true);
  });
});
