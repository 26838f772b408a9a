import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectory } from '@lrsweep/schedules';
import { startStack, waitFor, type Stack } from './stack.ts';

// Random and Sobol search end to end against the real Postgres and Redis: drawn configurations
// (the base lr among them) are stored with each trial, trained by a real worker with the
// trial's own lr, and grouped on the leaderboard by configuration, lr included.

const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 3, batchSize: 32 };
const randomBody = {
  name: 'random-search',
  task: { ...task, optimizer: { type: 'SGD', lr: { distribution: 'log_uniform_values', min: 0.01, max: 0.5 }, momentum: 0.9 } },
  schedules: [{ type: 'StepLR', step_size: { distribution: 'int_uniform', min: 1, max: 3 }, gamma: { distribution: 'uniform', min: 0.1, max: 0.9 } }],
  search: { method: 'random', count: 3, seed: 11 },
  seeds: 2,
};
const sobolBody = {
  name: 'sobol-search',
  task: { ...task, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'ExponentialLR', gamma: { distribution: 'q_uniform', min: 0.5, max: 0.95, q: 0.05 } }, { type: 'ConstantLR', factor: 0.5, total_iters: 2 }],
  search: { method: 'sobol', count: 3 },
};

type Trial = { id: string; state: string; schedule: Record<string, unknown>; seed: number; pytorch: string };

let stack: Stack;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const trialsOf = async (id: string): Promise<Trial[]> => (await stack.app.inject({ url: `/v1/sweeps/${id}/trials?pageSize=100` })).json().items;

describe('random and sobol search end to end', () => {
  it('refuses bad search input with 400 naming the field, writing nothing', async () => {
    const bad = [
      [{ ...sobolBody, search: { method: 'grid', count: 3 } }, '/search/count'],
      [{ ...sobolBody, search: undefined }, '/schedules/0/gamma'],
      [{ ...randomBody, task: { ...task, optimizer: { type: 'SGD', lr: { distribution: 'log_uniform_values', min: -1, max: 1 } } } }, '/task/optimizer/lr/min'],
      [{ ...randomBody, search: { method: 'random', count: 10_000 } }, '/search/count'],
    ] as const;
    for (const [payload, path] of bad) {
      const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    expect((await stack.app.inject({ url: '/v1/sweeps' })).json().total).toBe(0);
  });

  it('draws count configurations per entry x seeds and stores the drawn values with each trial', async () => {
    for (const body of [randomBody, sobolBody]) {
      const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
      expect(res.statusCode, res.body).toBe(201);
      ids[body.name] = res.json().id;
    }
    const random = await trialsOf(ids['random-search']!);
    expect(random).toHaveLength(6);
    for (const t of random) {
      expect(Number.isInteger(t.schedule.step_size)).toBe(true);
      expect(t.schedule.lr as number).toBeGreaterThanOrEqual(0.01);
      expect(t.schedule.lr as number).toBeLessThanOrEqual(0.5);
      expect(t.pytorch).toMatch(/^StepLR\(step_size=\d, gamma=[\d.]+\) at lr=[\d.]+$/);
    }
    const sobol = await trialsOf(ids['sobol-search']!);
    expect(sobol).toHaveLength(4); // 3 drawn ExponentialLRs + the fixed ConstantLR
    expect(sobol.filter((t) => t.schedule.type === 'ExponentialLR').every((t) => Math.round((t.schedule.gamma as number) * 20) === (t.schedule.gamma as number) * 20)).toBe(true);
  });

  it('gives the same trials for the same spec and seed', async () => {
    const again = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { ...randomBody, name: 'random-again' } });
    const schedules = (list: Trial[]) => list.map((t) => [t.schedule, t.seed]);
    expect(schedules(await trialsOf(again.json().id))).toEqual(schedules(await trialsOf(ids['random-search']!)));
    await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${again.json().id}/cancel` });
  });

  it("trains each trial with its own lr and ranks configurations, lr included", async () => {
    stack.startWorker();
    for (const id of Object.values(ids)) {
      await waitFor('the sweep to finish', async () => ((await stack.app.inject({ url: `/v1/sweeps/${id}` })).json().status === 'completed' ? true : null), 170_000);
    }
    for (const t of await trialsOf(ids['random-search']!)) {
      const { lr, ...schedule } = t.schedule;
      const detail = (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json();
      const expected = trajectory({ optimizer: { type: 'SGD', lr: lr as number, momentum: 0.9 }, scheduler: schedule as never, steps: 2 }).lr.map((row) => row[0]);
      expect(detail.epochs.map((e: { lr: number }) => e.lr)).toEqual(expected);
    }
    const board = (await stack.app.inject({ url: `/v1/sweeps/${ids['random-search']}/leaderboard` })).json();
    expect(board.entries).toHaveLength(3);
    for (const e of board.entries) {
      expect(e.n).toBe(2);
      expect(e.schedule.lr).toEqual(expect.any(Number));
      expect(e.pytorch).toMatch(/ at lr=/);
    }
  });

  it('extends a random sweep with fresh draws of the same search', async () => {
    const res = await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${ids['random-search']}/extend`, payload: { schedules: randomBody.schedules } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ added: 6, duplicates: [] });
  });
});
