import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweepWithTrials, finishTrial, leaderboard } from '@lrsweep/db';
import { readSweepEvents } from '@lrsweep/queue';
import { scheduleKey } from '@lrsweep/schedules';
import { startStack, waitFor, type Stack } from './stack.ts';

// A sweep is not over when it ends: rerun (failed, cancelled, diverged trials back to queued)
// and extend (more schedules, more seeds), against the real Postgres, Redis and a real worker
// on the noop backend, whose epochs last a fixed time so "mid-trial" is a window to hit.

const EPOCHS = 10;
const MAX_TRIALS = 8;
const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } };
const stepA = { type: 'StepLR', step_size: 2 };
const stepB = { type: 'StepLR', step_size: 3, gamma: 0.5 };
const cosine = { type: 'CosineAnnealingLR', T_max: EPOCHS };

type Trial = { id: string; state: string; seed: number; error: string | null; epochsDone: number; attempts: number; schedule: Record<string, unknown>; pytorch: string };

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ maxTrials: MAX_TRIALS, env: { LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '300' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function submit(schedules: unknown[], seeds: number | number[]): Promise<string> {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { name: 'growth', task, schedules, seeds } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
const sweepOf = async (id: string) => (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json();
const trialsOf = async (id: string): Promise<Trial[]> => (await stack.app.inject({ url: `/v1/sweeps/${id}/trials?pageSize=100` })).json().items;
// No payload sends no body at all, as `curl -X POST` does.
const post = (url: string, payload?: object) => stack.app.inject({ method: 'POST', url, payload });
const waitStatus = (id: string, status: string) =>
  waitFor(`sweep ${id} to be ${status}`, async () => {
    const s = await sweepOf(id);
    return s.status === status && s.trials.running === 0 && s.trials.queued === 0 ? s : null;
  });

describe('rerun', () => {
  let sweepId: string;

  it('reruns a failed trial (and a diverged one only when named) from the start', async () => {
    sweepId = await submit([stepA, stepB, cosine], [0]);
    const [failed, diverged] = await trialsOf(sweepId);
    // Outcomes written before any worker claims them: the trials never trained, as after a crash on claim.
    await finishTrial(stack.db, failed!.id, { state: 'failed', error: 'simulated crash' });
    await finishTrial(stack.db, diverged!.id, { state: 'diverged', error: 'simulated divergence', divergedEpoch: 0 });
    stack.startWorker();
    const done = await waitStatus(sweepId, 'completed');
    expect(done.trials).toMatchObject({ completed: 1, failed: 1, diverged: 1 });

    const res = await post(`/v1/sweeps/${sweepId}/rerun`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ requeued: 1 });
    const reopened = await sweepOf(sweepId);
    expect(reopened.status).toBe('running');
    expect(reopened.finishedAt).toBeNull();
    const again = await waitStatus(sweepId, 'completed');
    expect(again.trials).toMatchObject({ completed: 2, failed: 0, diverged: 1 });
    const rerun = (await trialsOf(sweepId)).find((t) => t.id === failed!.id)!;
    expect(rerun).toMatchObject({ state: 'completed', error: null, epochsDone: EPOCHS });

    expect((await post(`/v1/sweeps/${sweepId}/rerun`, { states: ['diverged'] })).json()).toEqual({ requeued: 1 });
    const last = await waitStatus(sweepId, 'completed');
    expect(last.trials).toMatchObject({ completed: 3, total: 3 });
    // The outcomes written above published no events, so the stream ends once, when the reruns finish.
    const types = (await readSweepEvents(stack.app.redis, stack.prefix, sweepId, '0-0', { count: 10_000 })).map((e) => e.event.type);
    expect(types.filter((t) => t === 'sweep.reopened')).toHaveLength(2);
    expect(types.filter((t) => t === 'sweep.finished')).toHaveLength(1);
    expect(types.at(-1)).toBe('sweep.finished');
  });

  it('resumes a cancelled trial after its last epoch', async () => {
    const id = await submit([cosine], [0]);
    await waitFor('the trial to train a few epochs', async () => ((await trialsOf(id))[0]!.epochsDone >= 3 ? true : null));
    expect((await post(`/v1/sweeps/${id}/cancel`)).statusCode).toBe(200);
    // The worker records the outcome, then publishes it and ends the stream.
    const before = await waitFor('the trial to stop and the stream to end', async () => {
      const events = await readSweepEvents(stack.app.redis, stack.prefix, id, '0-0', { count: 10_000 });
      return events.at(-1)?.event.type === 'sweep.finished' ? events : null;
    });
    const stoppedAt = (await trialsOf(id))[0]!.epochsDone;
    expect((await trialsOf(id))[0]!.state).toBe('cancelled');
    expect(stoppedAt).toBeLessThan(EPOCHS);

    const res = await post(`/v1/sweeps/${id}/rerun`, { states: ['cancelled'] });
    expect(res.json()).toEqual({ requeued: 1 });
    await waitStatus(id, 'completed');
    const [trial] = await trialsOf(id);
    expect(trial).toMatchObject({ state: 'completed', epochsDone: EPOCHS, attempts: 2 });
    const epochs = (await stack.app.inject({ url: `/v1/trials/${trial!.id}` })).json().epochs.map((e: { epoch: number }) => e.epoch);
    expect(epochs).toEqual([...Array(EPOCHS).keys()]);
    // The events after the rerun report only the epochs it had not trained.
    const after = await readSweepEvents(stack.app.redis, stack.prefix, id, before.at(-1)!.id, { count: 10_000 });
    const trained = after.flatMap(({ event }) => (event.type === 'trial.epoch' ? [event.epoch] : []));
    expect(trained[0]).toBe(stoppedAt);
    expect(trained).toEqual([...Array(EPOCHS).keys()].slice(stoppedAt));
    // The stream had ended with the cancel; it went on after it and ended again.
    expect(after.map(({ event }) => event.type).filter((t) => t.startsWith('sweep.'))).toEqual(['sweep.reopened', 'sweep.finished']);
  });

  it('restarts from epoch 0 when fresh', async () => {
    const id = await submit([stepB], [0]);
    await waitStatus(id, 'completed');
    const [trial] = await trialsOf(id);
    await stack.db.trial.update({ where: { id: trial!.id }, data: { state: 'failed', error: 'simulated' } });
    const before = await readSweepEvents(stack.app.redis, stack.prefix, id, '0-0', { count: 10_000 });
    expect((await post(`/v1/sweeps/${id}/rerun`, { fresh: true })).json()).toEqual({ requeued: 1 });
    await waitStatus(id, 'completed');
    const after = await readSweepEvents(stack.app.redis, stack.prefix, id, before.at(-1)!.id, { count: 10_000 });
    expect(after.flatMap(({ event }) => (event.type === 'trial.epoch' ? [event.epoch] : []))).toEqual([...Array(EPOCHS).keys()]);
  });

  it('leaves a sweep with nothing to rerun alone', async () => {
    const res = await post(`/v1/sweeps/${sweepId}/rerun`, {});
    expect(res.json()).toEqual({ requeued: 0 });
    expect((await sweepOf(sweepId)).status).toBe('completed');
  });

  it('refuses an unknown state, an unknown sweep and another project’s sweep', async () => {
    const bad = await post(`/v1/sweeps/${sweepId}/rerun`, { states: ['failed', 'exploded'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].path).toBe('/states/1');
    expect((await post(`/v1/sweeps/${sweepId}/rerun`, { states: ['running'] })).statusCode).toBe(400);
    expect((await post('/v1/sweeps/00000000-0000-4000-8000-000000000000/rerun')).statusCode).toBe(404);
    const other = await createSweepWithTrials(stack.db, {
      project: 'someone-else',
      name: 'theirs',
      spec: { name: 'theirs', task, schedules: [stepA] },
      objectiveMetric: 'val_loss',
      objectiveMode: 'min',
      trials: [{ index: 0, schedule: stepA, scheduleKey: scheduleKey(stepA), seed: 0 }],
    });
    await finishTrial(stack.db, other.trialIds[0]!, { state: 'failed', error: 'x' });
    expect((await post(`/v1/sweeps/${other.id}/rerun`)).statusCode).toBe(404);
    expect((await post(`/v1/sweeps/${other.id}/extend`, { seeds: [5] })).statusCode).toBe(404);
    expect((await stack.db.trial.findUniqueOrThrow({ where: { id: other.trialIds[0]! } })).state).toBe('failed');
  });
});

describe('extend', () => {
  let sweepId: string;

  it('adds new schedules x all seeds and new seeds x all schedules, naming the duplicates', async () => {
    sweepId = await submit([stepA, stepB], [0]);
    await waitStatus(sweepId, 'completed');
    // stepA written out with PyTorch's default gamma is the same configuration; seed 0 is there already.
    const res = await post(`/v1/sweeps/${sweepId}/extend`, { schedules: [{ ...stepA, gamma: 0.1 }, cosine], seeds: [0, 1] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.added).toBe(4); // cosine x {0, 1} + {stepA, stepB} x {1}
    expect(body.duplicates.map((d: { path: string }) => d.path)).toEqual(['/schedules/0', '/seeds/0']);
    expect(body.duplicates[0].message).toContain('StepLR(step_size=2, gamma=0.1)');
    expect((await sweepOf(sweepId)).status).toBe('running');

    const done = await waitStatus(sweepId, 'completed');
    expect(done.trials).toMatchObject({ total: 6, completed: 6 });
    const trials = await trialsOf(sweepId);
    expect(trials.map((t) => [t.schedule.type, t.seed])).toEqual([
      ['StepLR', 0],
      ['StepLR', 0],
      ['StepLR', 1],
      ['StepLR', 1],
      ['CosineAnnealingLR', 0],
      ['CosineAnnealingLR', 1],
    ]);
    const board = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();
    expect(board.entries).toHaveLength(3);
    expect(board.entries.map((e: { n: number }) => e.n)).toEqual([2, 2, 2]);
    for (const e of board.entries) expect(e.trials).toHaveLength(2);
    expect(board.entries.map((e: { pytorch: string }) => e.pytorch).sort()).toEqual([
      'CosineAnnealingLR(T_max=10)',
      'StepLR(step_size=2)',
      'StepLR(step_size=3, gamma=0.5)',
    ]);
  });

  it('adds nothing for an extension that only repeats the sweep, and names every repeat', async () => {
    const res = await post(`/v1/sweeps/${sweepId}/extend`, { schedules: [stepB, { type: 'StepLR', step_size: 2, gamma: { values: [0.1] } }], seeds: 2 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().added).toBe(0);
    expect(res.json().duplicates.map((d: { path: string }) => d.path)).toEqual(['/schedules/0', '/schedules/1', '/seeds', '/seeds']);
    expect((await sweepOf(sweepId)).status).toBe('completed');
  });

  it('keys again the trials of a sweep made before the canonical form, so they group with the new ones', async () => {
    const { id } = await createSweepWithTrials(stack.db, {
      name: 'legacy',
      spec: { name: 'legacy', task, schedules: [stepA] },
      objectiveMetric: 'val_loss',
      objectiveMode: 'min',
      trials: [{ index: 0, schedule: stepA, scheduleKey: '{"step_size":2,"type":"StepLR"}', seed: 0 }],
    });
    const res = await post(`/v1/sweeps/${id}/extend`, { schedules: [{ ...stepA, gamma: 0.1 }], seeds: [1] });
    expect(res.json()).toMatchObject({ added: 1, duplicates: [{ path: '/schedules/0' }] });
    const keys = await stack.db.trial.findMany({ where: { sweepId: id }, select: { scheduleKey: true } });
    expect(keys.map((k) => k.scheduleKey)).toEqual([scheduleKey(stepA), scheduleKey(stepA)]);
    await post(`/v1/sweeps/${id}/cancel`);
  });

  it('refuses an extension past LRSWEEP_MAX_TRIALS in all, a duplicate inside it and an empty one', async () => {
    const over = await post(`/v1/sweeps/${sweepId}/extend`, { seeds: [7] }); // 6 + 3
    expect(over.statusCode).toBe(400);
    expect(over.json().error.message).toContain(`the limit is ${MAX_TRIALS}`);
    const twice = await post(`/v1/sweeps/${sweepId}/extend`, { schedules: [{ type: 'ExponentialLR', gamma: { values: [0.9, 0.90] } }] });
    expect(twice.statusCode).toBe(400);
    expect((await post(`/v1/sweeps/${sweepId}/extend`, {})).statusCode).toBe(400);
    expect((await post('/v1/sweeps/00000000-0000-4000-8000-000000000000/extend', { seeds: [3] })).statusCode).toBe(404);
    expect((await sweepOf(sweepId)).trials.total).toBe(6);
  });
});

describe('one configuration, one entry', () => {
  it('refuses a grid that reaches one configuration twice, naming both entries', async () => {
    const res = await post('/v1/sweeps', {
      name: 'dupes',
      task,
      seeds: 2,
      schedules: [stepA, { ...stepA, gamma: 0.1 }, { type: 'StepLR', step_size: { values: [2, 2.0] } }],
    });
    expect(res.statusCode).toBe(400);
    const issues: Array<{ path: string; message: string }> = res.json().error.issues;
    expect(issues.map((i) => i.path)).toEqual(['/schedules/1', '/schedules/2', '/schedules/2']);
    expect(issues[0]!.message).toContain('/schedules/0');
    expect(issues[2]!.message).toContain('/schedules/2/step_size/values/1');
  });

  it('groups trials whose schedules are canonically equal into one leaderboard entry', async () => {
    const written = [stepA, { ...stepA, gamma: 0.1, interval: 'epoch' as const }];
    const { id, trialIds } = await createSweepWithTrials(stack.db, {
      name: 'canonical',
      spec: { name: 'canonical', task, schedules: [stepA] },
      objectiveMetric: 'val_loss',
      objectiveMode: 'min',
      trials: written.map((schedule, seed) => ({ index: seed, schedule, scheduleKey: scheduleKey(schedule), seed })),
    });
    await finishTrial(stack.db, trialIds[0]!, { state: 'completed', objective: 1 });
    await finishTrial(stack.db, trialIds[1]!, { state: 'completed', objective: 2 });
    const board = await leaderboard(stack.db, id);
    expect(board!.entries).toHaveLength(1);
    expect(board!.entries[0]).toMatchObject({ n: 2, mean: 1.5, schedule: stepA });
  });
});
