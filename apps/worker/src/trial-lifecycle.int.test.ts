import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@lrsweep/config';
import { cancelSweep, createSweepWithTrials, getSweep, getTrial, type SweepStatus } from '@lrsweep/db';
import { createTestDatabase, type TestDatabase } from '@lrsweep/db/testing';
import { connectRedis, createRedis, readSweepEvents } from '@lrsweep/queue';
import { TrainerConfigError, selectBackend, type EpochRow } from '@lrsweep/trainer';
import type { Redis } from 'ioredis';
import { createBuiltinRunner } from './builtin.runner.ts';
import { createEventsHooks } from './events.hooks.ts';
import type { TrialHooks, TrialRef, TrialResult } from './trial-hooks.ts';
import { runTrials, type LifecycleContext } from './trial-lifecycle.ts';
import type { TrialRunner } from './trial-runner.ts';
import { createTrialStore } from './trial-store.ts';

// The lifecycle against the real Postgres and Redis, with the real built-in runner on the
// no-op backend (trains in this process, in milliseconds); a runner written here stands in
// only where a failure has to be made on purpose.

let database: TestDatabase;
let redis: Redis;
let ctx: LifecycleContext;
let noop: TrialRunner;
const prefix = `lrsweep-test-${randomUUID().slice(0, 8)}`;
const logger = createLogger('worker-test', 'silent');

/** What the hooks heard, per trial. */
type Heard = { started: number; epochs: number[]; finished: Array<{ result: TrialResult; status: SweepStatus | null }> };
const heard = new Map<string, Heard>();
const of = (trialId: string): Heard => heard.get(trialId) ?? heard.set(trialId, { started: 0, epochs: [], finished: [] }).get(trialId)!;
const recorder: TrialHooks = {
  started: (t) => void of(t.trialId).started++,
  epoch: (t, row) => void of(t.trialId).epochs.push(row.epoch),
  finished: (t, result, status) => void of(t.trialId).finished.push({ result, status }),
};
/** Calls `fn` on a trial's epoch `at`, as the hooks see it (after the epoch is written). */
const onEpoch = (at: number, fn: (t: TrialRef) => Promise<void> | void): TrialHooks => ({ epoch: (t, row) => (row.epoch === at ? fn(t) : undefined) });

async function newSweep(trials: number, epochs = 3): Promise<{ sweepId: string; trialIds: string[] }> {
  const schedules = Array.from({ length: trials }, (_, i) => ({ type: 'StepLR', step_size: 1, gamma: 0.5 + i / 100 }));
  const { id, trialIds } = await createSweepWithTrials(database.db, {
    name: `lifecycle-${trials}`,
    spec: { task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } }, schedules },
    objectiveMetric: 'val_loss',
    objectiveMode: 'min',
    trials: schedules.map((schedule, index) => ({ index, schedule, scheduleKey: JSON.stringify(schedule), seed: index })),
  });
  return { sweepId: id, trialIds };
}

/** A runner that fails every trial it is given (a non-retryable error is thrown, as a bad spec is), counting its calls. */
function failing(error: Error, retryable: boolean): TrialRunner & { calls: number } {
  const runner = {
    backend: 'test',
    calls: 0,
    async run(trials: unknown[]) {
      runner.calls++;
      if (!retryable) throw error;
      return trials.map(() => ({ status: 'failed' as const, error, retryable }));
    },
  };
  return runner;
}

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await connectRedis(createRedis(loadConfig().redisUrl, 'producer'));
  const events = createEventsHooks({ redis, prefix, db: database.db, worker: 'test-worker' });
  ctx = { store: createTrialStore(database.db, 'test-worker'), logger, hooks: [events, recorder] };
  noop = createBuiltinRunner(await selectBackend('noop'), { noopEpochMs: 0, checkpointDir: mkdtempSync(path.join(tmpdir(), 'lrsweep-ckpt-')) });
});
afterAll(async () => {
  redis?.disconnect();
  await database?.drop();
});

describe('runTrials', () => {
  it('trains a list of one: claims it, writes each epoch, records the outcome, settles the sweep, tells the hooks', async () => {
    const { sweepId, trialIds } = await newSweep(1);
    const [id] = trialIds as [string];
    expect(await runTrials([{ trialId: id, lastAttempt: false }], noop, ctx)).toEqual([{ end: 'done', result: { state: 'completed' } }]);

    const trial = await getTrial(database.db, id);
    expect(trial).toMatchObject({ state: 'completed', attempts: 1, epochsDone: 3, worker: 'test-worker', backend: 'noop' });
    const last = trial!.epochs.at(-1) as EpochRow;
    expect(trial!.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(trial!.objective).toBe(last.val_loss);
    expect([trial!.finalTrainLoss, trial!.finalValLoss, trial!.finalValAcc]).toEqual([last.train_loss, last.val_loss, last.val_acc]);
    expect((await getSweep(database.db, sweepId))?.status).toBe('completed');
    expect(of(id)).toEqual({ started: 1, epochs: [0, 1, 2], finished: [{ result: { state: 'completed' }, status: 'completed' }] });
    const events = (await readSweepEvents(redis, prefix, sweepId, '0')).map((e) => e.event.type);
    expect(events).toEqual(['trial.state', 'trial.epoch', 'trial.epoch', 'trial.epoch', 'trial.state', 'leaderboard', 'sweep.finished']);
  });

  it('hands several trials, of several sweeps, to one runner call and records each', async () => {
    const a = await newSweep(3);
    const b = await newSweep(1);
    const ids = [...a.trialIds, ...b.trialIds];
    let calls = 0;
    const counted: TrialRunner = { ...noop, run: (trials, io) => (calls++, noop.run(trials, io)) };
    const ends = await runTrials(ids.map((trialId) => ({ trialId, lastAttempt: false })), counted, ctx);
    expect(calls).toBe(1);
    expect(ends).toEqual(ids.map(() => ({ end: 'done', result: { state: 'completed' } })));
    for (const id of ids) expect(await getTrial(database.db, id)).toMatchObject({ state: 'completed', epochsDone: 3 });
    expect((await getSweep(database.db, a.sweepId))?.status).toBe('completed');
    expect((await getSweep(database.db, b.sweepId))?.status).toBe('completed');
  });

  it('stops a trial whose sweep is cancelled at its next epoch, and records it cancelled', async () => {
    const { sweepId, trialIds } = await newSweep(1, 20);
    const [id] = trialIds as [string];
    const cancel = onEpoch(1, async () => void (await cancelSweep(database.db, sweepId)));
    const [end] = await runTrials([{ trialId: id, lastAttempt: false, hooks: [cancel] }], noop, ctx);
    expect(end).toEqual({ end: 'done', result: { state: 'cancelled' } });
    // Epoch 2 was under way when the sweep was cancelled; its write reads the cancellation.
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'cancelled', epochsDone: 3 });
    expect(of(id).finished).toEqual([{ result: { state: 'cancelled' }, status: 'cancelled' }]);
  });

  it('gives a trial back at shutdown with its checkpoint, and the next attempt resumes after it', async () => {
    const { trialIds } = await newSweep(1, 5);
    const [id] = trialIds as [string];
    const shutdown = new AbortController();
    const [end] = await runTrials([{ trialId: id, lastAttempt: false, handBack: shutdown.signal, hooks: [onEpoch(1, () => shutdown.abort())] }], noop, ctx);
    expect(end).toEqual({ end: 'handed-back' });
    const released = await getTrial(database.db, id);
    expect(released).toMatchObject({ state: 'queued', worker: null, epochsDone: 2, checkpoint: expect.objectContaining({ epoch: 1 }) });
    expect(of(id).finished).toEqual([]);

    expect(await runTrials([{ trialId: id, lastAttempt: false }], noop, ctx)).toEqual([{ end: 'done', result: { state: 'completed' } }]);
    expect(of(id).epochs).toEqual([0, 1, 2, 3, 4]); // epochs 2..4 only on the second attempt
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'completed', attempts: 2, epochsDone: 5 });
  });

  it('leaves a failed attempt to a retry, and records the failure on the last attempt', async () => {
    const { trialIds } = await newSweep(1);
    const [id] = trialIds as [string];
    const runner = failing(new Error('lost the GPU'), true);
    const [retry] = await runTrials([{ trialId: id, lastAttempt: false }], runner, ctx);
    expect(retry).toEqual({ end: 'failed', error: new Error('lost the GPU') });
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'running', error: null });
    expect(of(id).finished).toEqual([]);

    const [last] = await runTrials([{ trialId: id, lastAttempt: true }], runner, ctx);
    expect(last).toEqual({ end: 'failed', error: new Error('lost the GPU') });
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'failed', error: 'lost the GPU', attempts: 2 });
    expect(of(id).finished).toEqual([{ result: { state: 'failed', detail: 'lost the GPU' }, status: 'failed' }]);
  });

  it('fails a trial at once on a config error: no retry could fix it', async () => {
    const { trialIds } = await newSweep(1);
    const [id] = trialIds as [string];
    const [end] = await runTrials([{ trialId: id, lastAttempt: false }], failing(new TrainerConfigError('/task/model/type', 'no such model'), false), ctx);
    expect(end).toEqual({ end: 'done', result: { state: 'failed', detail: '/task/model/type: no such model' } });
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'failed', error: '/task/model/type: no such model', attempts: 1 });
  });

  it('fails a trial its runner refuses, without running it', async () => {
    const { trialIds } = await newSweep(1);
    const [id] = trialIds as [string];
    const runner = { ...failing(new Error('never run'), true), refuse: () => "trial is not for trainer 'x'" };
    const [end] = await runTrials([{ trialId: id, lastAttempt: false }], runner, ctx);
    expect(end).toEqual({ end: 'done', result: { state: 'failed', detail: "trial is not for trainer 'x'" } });
    expect(runner.calls).toBe(0);
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'failed', error: "trial is not for trainer 'x'" });
  });

  it('tells a trial not in this database from a finished one, and runs neither', async () => {
    const { trialIds } = await newSweep(1);
    const [done] = trialIds as [string];
    await runTrials([{ trialId: done, lastAttempt: false }], noop, ctx);
    const unknown = randomUUID();
    const runner = failing(new Error('never run'), true);
    const ends = await runTrials([{ trialId: unknown, lastAttempt: false }, { trialId: done, lastAttempt: false }], runner, ctx);
    expect(ends).toEqual([{ end: 'unknown' }, { end: 'done', result: { state: 'skipped', detail: 'trial is finished or cancelled' } }]);
    expect(runner.calls).toBe(0);
    expect(of(unknown)).toEqual({ started: 0, epochs: [], finished: [] });
    expect(of(done).finished).toHaveLength(1); // from its own run only
  });
});
