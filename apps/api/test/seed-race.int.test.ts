import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSweepEvents } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from './stack.ts';

// Seed racing (`seeds: {min, max}`) end to end: the API, two real worker processes on the noop
// backend (deterministic metrics from lr, epoch and seed), the real Postgres and Redis.
// Two schedules whose lr never changes within the training are the same run under different
// names: every seed scores them exactly alike, so the race can never tell them apart and they
// run to `max`. A schedule that cuts the lr tenfold every epoch is clearly worse and is dropped
// after `min`.

const EPOCHS = 3;
const MAX_TRIALS = 20;
const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 32, optimizer: { type: 'SGD', lr: 0.05 } };
const flatA = { type: 'StepLR', step_size: 100 };
const flatB = { type: 'StepLR', step_size: 200 };
const falling = { type: 'StepLR', step_size: 1, gamma: 0.1 };
const race = { min: 3, max: 5 };

type Trial = { index: number; state: string; seed: number; reason: string | null; pytorch: string };

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ maxTrials: MAX_TRIALS, env: { LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '20' } });
});
afterAll(async () => {
  await stack?.stop();
});

const submit = (payload: object) => stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { name: 'race', task, ...payload } });
const sweepOf = async (id: string) => (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json();
const trialsOf = async (id: string): Promise<Trial[]> => (await stack.app.inject({ url: `/v1/sweeps/${id}/trials?pageSize=100` })).json().items;
const countSweeps = async () => (await stack.app.inject({ url: '/v1/sweeps' })).json().total as number;
const waitCompleted = (id: string) =>
  waitFor(`sweep ${id} to complete`, async () => {
    const s = await sweepOf(id);
    return s.status === 'completed' ? s : null;
  });

async function runRace(): Promise<{ id: string; trials: Trial[] }> {
  const res = await submit({ schedules: [flatA, falling, flatB], seeds: race });
  expect(res.statusCode, res.body).toBe(201);
  // Every schedule starts with `min` seeds.
  expect(res.json().trials).toBe(9);
  const id = res.json().id;
  await waitCompleted(id);
  return { id, trials: await trialsOf(id) };
}

describe('a seed race', () => {
  let first: { id: string; trials: Trial[] };

  it('adds seeds only to the schedules still tied with the best, until max', async () => {
    stack.startWorker();
    stack.startWorker();
    first = await runRace();
    const { id, trials } = first;
    const seedsOf = (pytorch: string) => trials.filter((t) => t.pytorch === pytorch).map((t) => t.seed);
    const [a, f, b] = [flatA, falling, flatB].map((s) => trials.find((t) => t.index === [flatA, falling, flatB].indexOf(s) * race.min)!.pytorch);
    expect(seedsOf(a!)).toEqual([0, 1, 2, 3, 4]);
    expect(seedsOf(b!)).toEqual([0, 1, 2, 3, 4]);
    // Clearly worse after min seeds: no more.
    expect(seedsOf(f!)).toEqual([0, 1, 2]);
    expect(trials.every((t) => t.state === 'completed')).toBe(true);

    // The spec's trials say nothing; every added one says why.
    expect(trials.filter((t) => t.index < 9).every((t) => t.reason === null)).toBe(true);
    const added = trials.filter((t) => t.index >= 9);
    expect(added).toHaveLength(4);
    for (const t of added) expect(t.reason).toMatch(/^seed race: /);
    expect(added.find((t) => t.pytorch === a && t.seed === 3)!.reason).toMatch(/the best after 3 seeds/);
    expect(added.find((t) => t.pytorch === b && t.seed === 3)!.reason).toMatch(/tied with the best after 3 seeds/);

    // The leaderboard ends with max seeds on every tied schedule.
    const board = (await stack.app.inject({ url: `/v1/sweeps/${id}/leaderboard` })).json();
    const tied = board.entries.filter((e: { tiedWithBest: boolean | null }) => e.tiedWithBest === true);
    expect(tied).toHaveLength(2);
    for (const e of tied) expect(e.n).toBe(race.max);
    expect(board.entries.find((e: { tiedWithBest: boolean | null }) => e.tiedWithBest === false).n).toBe(race.min);

    // One stream: a reopen per round, and one end, after the last round.
    const types = (await readSweepEvents(stack.app.redis, stack.prefix, id, '0-0', { count: 10_000 })).map((e) => e.event.type);
    expect(types.filter((t) => t === 'sweep.reopened')).toHaveLength(2);
    expect(types.filter((t) => t === 'sweep.finished')).toHaveLength(1);
    expect(types.at(-1)).toBe('sweep.finished');
    const finished = (await readSweepEvents(stack.app.redis, stack.prefix, id, '0-0', { count: 10_000 })).at(-1)!.event;
    expect(finished).toMatchObject({ status: 'completed', trials: { total: 13, completed: 13 } });
  });

  it('adds the same trials, with the same reasons, for the same spec', async () => {
    const again = await runRace();
    const shape = (ts: Trial[]) => ts.map(({ index, pytorch, seed, reason }) => ({ index, pytorch, seed, reason }));
    expect(shape(again.trials)).toEqual(shape(first.trials));
  });

  it('stops at min when the best is clear from the start', async () => {
    const res = await submit({ schedules: [flatA, falling], seeds: race });
    expect(res.statusCode, res.body).toBe(201);
    const done = await waitCompleted(res.json().id);
    expect(done.trials).toMatchObject({ total: 6, completed: 6 });
  });
});

describe('a seed race refuses bad bounds with 400, writing nothing', () => {
  const cases: Array<[string, object, string, RegExp]> = [
    ['min above max', { schedules: [flatA], seeds: { min: 5, max: 3 } }, '/seeds/min', /above max/],
    ['min under 2', { schedules: [flatA], seeds: { min: 1, max: 3 } }, '/seeds/min', /at least 2/],
    ['max above the seed limit', { schedules: [flatA], seeds: { min: 2, max: 1001 } }, '/seeds/max', /at most 1000/],
    ['a worst case over LRSWEEP_MAX_TRIALS', { schedules: [flatA, falling, flatB], seeds: { min: 2, max: 7 } }, '/seeds/max', /21 trials .* the limit is 20/],
  ];
  it.each(cases)('%s', async (_name, payload, path, message) => {
    const before = await countSweeps();
    const res = await submit(payload);
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('LRS_VALIDATION');
    const issue = error.issues.find((i: { path: string }) => i.path === path);
    expect(issue, `no issue at ${path} in ${res.body}`).toBeDefined();
    expect(issue.message).toMatch(message);
    expect(await countSweeps()).toBe(before);
  });

  it('a race without max is a 400 naming seeds', async () => {
    const res = await submit({ schedules: [flatA], seeds: { min: 3 } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.issues.map((i: { path: string }) => i.path).join(' ')).toMatch(/\/seeds/);
  });
});

describe('the OpenAPI document', () => {
  it('has the race form of seeds and the trial reason', async () => {
    const doc = (await stack.app.inject({ url: '/docs/json' })).json();
    const body = doc.paths['/v1/sweeps'].post.requestBody.content['application/json'].schema;
    const race = body.properties.seeds.anyOf.find((s: { type?: string }) => s.type === 'object');
    expect(Object.keys(race.properties)).toEqual(['min', 'max']);
    const trials = doc.paths['/v1/sweeps/{id}/trials'].get.responses['200'].content['application/json'].schema;
    expect(trials.properties.items.items.properties.reason).toBeDefined();
  });
});
