import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@lrsweep/config';
import { claimTrial, finishTrial } from '@lrsweep/db';
import { writeWorker } from '@lrsweep/queue';
import { MAX_CLAIMS, reconcileOnce, WEDGED_AFTER_LOCKS, type ReconcileDeps } from '../src/reconciler.ts';
import { startStack, type Stack } from './stack.ts';

// The reconciler alone, on the real Postgres and Redis, no workers: each case sets up what
// Postgres says and what Redis holds, runs one pass, and checks what ended up on the queue.

let stack: Stack;
let deps: ReconcileDeps;

beforeAll(async () => {
  // The API's own periodic reconciler is off: these tests run passes by hand.
  stack = await startStack({ env: { LRSWEEP_RECONCILE_MS: '0', LRSWEEP_LOCK_MS: '2000' } });
  const { db, trialQueueFor, redis, config } = stack.app;
  deps = { db, queueFor: trialQueueFor, redis, prefix: config.queuePrefix, lockMs: config.lockMs, logger: createLogger('reconcile-test', 'silent') };
});
afterAll(async () => {
  await stack?.stop();
});
beforeEach(async () => {
  // Each case starts from nothing unfinished: earlier cases' trials are finished off.
  await stack.db.$executeRaw`UPDATE "Trial" SET state = 'cancelled' WHERE state IN ('queued', 'running')`;
  await stack.app.trialQueue.obliterate({ force: true });
});

async function submit(seeds: number): Promise<{ sweepId: string; trialIds: string[] }> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    payload: {
      name: 'reconcile',
      task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
      schedules: [{ type: 'StepLR', step_size: 1 }],
      seeds,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const sweepId = res.json().id;
  const trials = await stack.db.trial.findMany({ where: { sweepId }, orderBy: { index: 'asc' } });
  return { sweepId, trialIds: trials.map((t) => t.id) };
}

const waitingIds = async () => (await stack.app.trialQueue.getWaiting(0, -1)).map((j) => j.id).sort();
/** Makes a running trial look silent for longer than the registry TTL (by default for far longer than WEDGED_AFTER_LOCKS locks). */
const age = (id: string, seconds = 3600) => stack.db.$executeRaw`UPDATE "Trial" SET "updatedAt" = now() - make_interval(secs => ${seconds}) WHERE id = ${id}::uuid`;
const listBy = (worker: string, trialIds: string[]) => {
  const now = new Date().toISOString();
  return writeWorker(stack.app.redis, deps.prefix, { id: worker, host: 'w', pid: 1, gpu: null, backend: 'noop', currentTrials: trialIds, trialsDone: 0, samplesPerSecond: null, startedAt: now, lastSeenAt: now }, 10_000);
};

describe('reconcileOnce', () => {
  it('re-enqueues queued trials whose jobs are gone, and nothing that is still held', async () => {
    const { trialIds } = await submit(4);
    expect(await waitingIds()).toEqual([...trialIds].sort());
    expect(await reconcileOnce(deps)).toEqual({ requeued: 0, gaveUp: 0 });

    await stack.app.trialQueue.obliterate({ force: true }); // every job lost, as after FLUSHDB
    expect(await reconcileOnce(deps)).toEqual({ requeued: 4, gaveUp: 0 });
    expect(await waitingIds()).toEqual([...trialIds].sort());
  });

  it('re-enqueues a running trial only when it is silent and no live worker lists it', async () => {
    const { trialIds } = await submit(2);
    await stack.app.trialQueue.obliterate({ force: true });
    const [a, b] = trialIds as [string, string];
    for (const id of trialIds) await claimTrial(stack.db, id, { worker: 'w:1', backend: 'noop' });
    // Recently written: its worker is taken to be alive.
    expect(await reconcileOnce(deps)).toEqual({ requeued: 0, gaveUp: 0 });

    await age(a);
    // Silent for longer than the registry TTL, not for WEDGED_AFTER_LOCKS locks: a slow epoch.
    await age(b, 5);
    // b is still on a live worker's list: left alone even though its job is gone.
    const now = new Date().toISOString();
    await writeWorker(stack.app.redis, deps.prefix, { id: 'w:1', host: 'w', pid: 1, gpu: null, backend: 'noop', currentTrials: [b], trialsDone: 0, samplesPerSecond: null, startedAt: now, lastSeenAt: now }, 10_000);
    expect(await reconcileOnce(deps)).toEqual({ requeued: 1, gaveUp: 0 });
    expect(await waitingIds()).toEqual([a]);
  });

  it('re-enqueues a trial, queued or running, a live worker lists but has left silent, with no job, for WEDGED_AFTER_LOCKS locks', async () => {
    const { trialIds } = await submit(3);
    await stack.app.trialQueue.obliterate({ force: true });
    const [wedged, slow, neverClaimed] = trialIds as [string, string, string];
    for (const id of [wedged, slow]) await claimTrial(stack.db, id, { worker: 'w:3', backend: 'noop' });
    const wedgedFor = (WEDGED_AFTER_LOCKS * deps.lockMs) / 1000;
    await age(wedged, wedgedFor + 5);
    await age(slow, wedgedFor - 5);
    await age(neverClaimed, wedgedFor + 5);
    await listBy('w:3', trialIds);
    expect(await reconcileOnce(deps)).toEqual({ requeued: 2, gaveUp: 0 });
    expect(await waitingIds()).toEqual([wedged, neverClaimed].sort());
  });

  it('replaces a job BullMQ failed for good while Postgres still calls its trial unfinished', async () => {
    const { trialIds } = await submit(1);
    const id = trialIds[0]!;
    await stack.app.trialQueue.obliterate({ force: true });
    const job = await stack.app.trialQueue.add('trial', { trialId: id, sweepId: randomUUID() }, { jobId: id });
    await stack.app.redis.multi().zadd(stack.app.trialQueue.keys.failed!, Date.now(), id).lrem(stack.app.trialQueue.keys.wait!, 0, id).exec();
    expect(await job.getState()).toBe('failed');
    expect(await reconcileOnce(deps)).toEqual({ requeued: 1, gaveUp: 0 });
    expect(await waitingIds()).toEqual([id]);
  });

  it('gives up on a trial whose workers keep vanishing, and leaves finished trials alone', async () => {
    const { sweepId, trialIds } = await submit(2);
    const [doomed, done] = trialIds as [string, string];
    await stack.app.trialQueue.obliterate({ force: true });
    await stack.db.trial.update({ where: { id: doomed }, data: { state: 'running', attempts: MAX_CLAIMS } });
    await age(doomed);
    await claimTrial(stack.db, done, { worker: 'w:2', backend: 'noop' });
    await finishTrial(stack.db, done, { state: 'completed', objective: 1 });
    expect(await reconcileOnce(deps)).toEqual({ requeued: 0, gaveUp: 1 });
    const t = await stack.db.trial.findUniqueOrThrow({ where: { id: doomed } });
    expect(t.state).toBe('failed');
    expect(t.error).toMatch(/gave up after 10 attempts/);
    expect(await waitingIds()).toEqual([]);
    expect((await stack.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('completed');
  });

  it('is safe when several instances run at once: each lost trial gets exactly one job', async () => {
    const { trialIds } = await submit(20);
    await stack.app.trialQueue.obliterate({ force: true });
    await Promise.all([reconcileOnce(deps), reconcileOnce(deps), reconcileOnce(deps)]);
    expect(await waitingIds()).toEqual([...trialIds].sort());
    expect(await stack.app.trialQueue.count()).toBe(20);
  });
});

describe('reconcileOnce and a seed race', () => {
  it("enqueues the next round when giving up on a round's last trial ends it", async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      payload: {
        name: 'race',
        task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
        schedules: [{ type: 'StepLR', step_size: 100 }, { type: 'StepLR', step_size: 200 }],
        seeds: { min: 2, max: 3 },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const sweepId = res.json().id;
    const [doomed, ...rest] = (await stack.db.trial.findMany({ where: { sweepId }, orderBy: { index: 'desc' } })).map((t) => t.id);
    await stack.app.trialQueue.obliterate({ force: true });
    for (const id of rest) await finishTrial(stack.db, id, { state: 'completed', objective: 0.5 });
    await stack.db.trial.update({ where: { id: doomed! }, data: { state: 'running', attempts: MAX_CLAIMS } });
    await age(doomed!);
    expect(await reconcileOnce(deps)).toEqual({ requeued: 0, gaveUp: 1 });
    const added = await stack.db.trial.findMany({ where: { sweepId, index: { gte: 4 } } });
    expect(added.map((t) => t.seed)).toEqual([2, 2]);
    expect(await waitingIds()).toEqual(added.map((t) => t.id).sort());
    expect((await stack.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('running');
  });
});
