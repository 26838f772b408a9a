import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimTrial } from '@lrsweep/db';
import { STALE_INTERVALS } from '../src/reconciler.ts';
import { startStack, waitFor, type Stack } from './stack.ts';

// A lost trial, as the API's own periodic reconciler meets it: each state BullMQ may keep for
// the trial's job id (completed, failed, missing, stalled) is staged by hand with no worker
// running, and the job must be waiting again within one LRSWEEP_RECONCILE_MS (plus the pass
// itself). Then a worker trains every recovered trial, each exactly once.

const RECONCILE_MS = 1_500;
const lines: string[] = [];
const logTo = new Writable({
  write(chunk, _enc, done) {
    lines.push(String(chunk));
    done();
  },
});

let stack: Stack;
const sweeps: string[] = [];
beforeAll(async () => {
  stack = await startStack({
    env: { LRSWEEP_BACKEND: 'noop', LRSWEEP_RECONCILE_MS: String(RECONCILE_MS), LRSWEEP_LOCK_MS: '2000' },
    log: { to: logTo, level: 'info' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function submitOne(): Promise<string> {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/v1/sweeps',
    payload: {
      name: 'lost',
      task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
      schedules: [{ type: 'StepLR', step_size: 1 }],
      seeds: 1,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  sweeps.push(res.json().id);
  const trial = await stack.db.trial.findFirstOrThrow({ where: { sweepId: res.json().id } });
  return trial.id;
}

/** Moves the trial's waiting job into `list` (a sorted set for completed/failed, the active list for stalled), as BullMQ keeps it. */
async function stage(id: string, state: 'completed' | 'failed' | 'active') {
  const q = stack.app.trialQueue;
  const now = Date.now();
  const m = stack.app.redis.multi().lrem(q.keys.wait!, 0, id);
  if (state === 'active') m.lpush(q.keys.active!, id).hset(q.toKey(id), 'processedOn', now);
  else m.zadd(q.keys[state]!, now, id).hset(q.toKey(id), 'finishedOn', now);
  await m.exec();
  expect(await (await q.getJob(id))!.getState()).toBe(state);
}

const recovered = (id: string) =>
  waitFor(`trial ${id} to wait again`, async () => (await (await stack.app.trialQueue.getJob(id))?.getState()) === 'waiting', 2 * RECONCILE_MS);

describe('a lost trial is re-enqueued within one reconcile interval', () => {
  it('when its job completed (taken and swallowed by a worker that never ran it)', async () => {
    const id = await submitOne();
    await stage(id, 'completed');
    await recovered(id);
  });

  it('when its job failed for good', async () => {
    const id = await submitOne();
    await stage(id, 'failed');
    await recovered(id);
  });

  it('when its job is missing (a flush, a Redis restart)', async () => {
    const id = await submitOne();
    await stack.app.trialQueue.remove(id);
    expect(await stack.app.trialQueue.getJob(id)).toBeUndefined();
    await recovered(id);
  });

  it('when its job stalled: active, its worker dead and its lock expired', async () => {
    const id = await submitOne();
    await claimTrial(stack.db, id, { worker: 'dead:1', backend: 'noop' });
    // Silent for longer than the registry TTL, as a SIGKILLed worker's trial is.
    await stack.db.$executeRaw`UPDATE "Trial" SET "updatedAt" = now() - interval '1 hour' WHERE id = ${id}::uuid`;
    await stage(id, 'active');
    await recovered(id);
  });
});

describe('reconciler liveness', () => {
  it(`logs, and reports in a metric, ${STALE_INTERVALS} intervals without a completed pass, and its recovery`, async () => {
    const lockKey = `${stack.prefix}:reconcile:lock`;
    const age = async () => {
      const text = (await stack.app.inject({ url: '/metrics' })).body;
      return Number(/^lrsweep_reconciler_last_pass_age_seconds (\S+)$/m.exec(text)?.[1]);
    };
    expect(await age()).toBeLessThan((2 * RECONCILE_MS) / 1000);
    // Something else holds the lock and never completes a pass (a hung instance, a foreign deployment of old).
    await stack.app.redis.set(lockKey, 'someone-else', 'PX', 60_000);
    await stack.app.redis.del(`${stack.prefix}:reconcile:last-pass`);
    await waitFor('the stuck reconciler log line', async () => lines.some((l) => l.includes('reconciler: no pass completed')), (STALE_INTERVALS + 3) * RECONCILE_MS);
    expect(await age()).toBeGreaterThan((STALE_INTERVALS * RECONCILE_MS) / 1000);
    await stack.app.redis.del(lockKey);
    await waitFor('passes to complete again', async () => lines.some((l) => l.includes('reconciler: passes complete again')), 3 * RECONCILE_MS);
    expect(await age()).toBeLessThan((2 * RECONCILE_MS) / 1000);
  });
});

describe('after recovery', () => {
  it('a worker trains every recovered trial exactly once', async () => {
    stack.startWorker();
    for (const id of sweeps) {
      await waitFor(`sweep ${id} to complete`, async () => (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json().status === 'completed');
    }
    const trials = await stack.db.trial.findMany({ where: { sweepId: { in: sweeps } }, include: { epochs: true } });
    expect(trials).toHaveLength(4);
    for (const t of trials) {
      expect(t.state).toBe('completed');
      expect(t.epochs.map((e) => e.epoch).sort()).toEqual([0, 1]);
    }
  });
});
