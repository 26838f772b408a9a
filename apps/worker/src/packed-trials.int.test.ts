import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, type Config } from '@lrsweep/config';
import { createSweepWithTrials, getTrial, listEpochs } from '@lrsweep/db';
import { createTestDatabase, type TestDatabase } from '@lrsweep/db/testing';
import { QUEUES, connectRedis, createRedis, createTrialQueue, type Queue } from '@lrsweep/queue';
import type { TrialJob } from '@lrsweep/contracts';
import type { Redis } from 'ioredis';
import { createTrialProcessor, type PackOptions } from './create-trial-processor.ts';
import { closeTrialWorker, createTrialWorker } from './create-trial-worker.ts';
import { startPackChildren, type PackChildren } from './pack-children.ts';
import { startWorkerHeartbeat } from './worker-heartbeat.ts';
import type { RunnerIO, RunnerTrial, TrialRunner } from './trial-runner.ts';

// Packed trials on the real Postgres and Redis, trained in the worker's real training processes
// (pack.child.ts) on the no-op backend: each epoch sleeps, so a pack takes long enough to be
// cancelled or shut down mid-way. What a pack is, and what each of its trials keeps on its own.

const EPOCHS = 8;
let database: TestDatabase;
let redis: Redis;
let queue: Queue<TrialJob>;
let config: Readonly<Config>;
let children: PackChildren;
const logger = createLogger('pack-test', 'silent');
const prefix = `lrsweep-test-${randomUUID().slice(0, 8)}`;
const stopAfter: Array<() => Promise<void>> = [];

/** `runner`, counting its calls and how many trials each held. */
function counted(runner: TrialRunner, wrap?: (trials: RunnerTrial[], io: RunnerIO) => RunnerIO): TrialRunner & { calls: number[] } {
  const calls: number[] = [];
  return { ...runner, calls, run: (trials, io) => (calls.push(trials.length), runner.run(trials, wrap ? wrap(trials, io) : io)) };
}

/** A worker on the trial queue as worker.ts builds it: jobs gathered into packs of `pack.size`. */
function startWorker(runner: TrialRunner, pack: PackOptions) {
  const processor = createTrialProcessor(config, logger, { poolSize: 4, pack });
  const worker = createTrialWorker(QUEUES.trials, (job, token, signal) => processor.process(job, token, signal, runner), {
    connection: createRedis(config.redisUrl, 'worker'),
    config,
    logger,
    concurrency: pack.size * pack.slots,
  });
  const stop = async () => {
    await closeTrialWorker(worker);
    await processor.close();
  };
  stopAfter.push(stop);
  return { worker, stop };
}

/** A sweep of `n` trials, one schedule each (each its own lr), queued with `attempts` tries a job. */
async function queueSweep(n: number, { epochs = EPOCHS, attempts = 3 } = {}) {
  const schedules = Array.from({ length: n }, (_, i) => ({ type: 'StepLR', step_size: 1, gamma: 0.5 + i / 10 }));
  const { id, trialIds } = await createSweepWithTrials(database.db, {
    name: 'packed',
    spec: { task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } }, schedules },
    objectiveMetric: 'val_loss',
    objectiveMode: 'min',
    trials: schedules.map((schedule, index) => ({ index, schedule, scheduleKey: JSON.stringify(schedule), seed: 0 })),
  });
  await queue.addBulk(trialIds.map((trialId) => ({ name: 'trial', data: { trialId, sweepId: id }, opts: { jobId: trialId, attempts, backoff: { type: 'fixed', delay: 50 } } })));
  return { sweepId: id, trialIds };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const trialsOf = (ids: string[]) => Promise.all(ids.map(async (id) => (await getTrial(database.db, id))!));
const allEnded = (ids: string[]) => waitFor('every trial to end', async () => ((await trialsOf(ids)).every((t) => !['queued', 'running'].includes(t.state)) ? trialsOf(ids) : null));

let checkpointDir: string | undefined;

beforeAll(async () => {
  // The training processes read the environment as a worker's would.
  // Their checkpoint files go to a scratch directory, not the checkout's .lrsweep/.
  checkpointDir = mkdtempSync(path.join(tmpdir(), 'lrsweep-pack-'));
  Object.assign(process.env, { LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '25', LOG_LEVEL: 'silent', LRSWEEP_CHECKPOINT_DIR: checkpointDir });
  database = await createTestDatabase();
  config = loadConfig({ ...process.env, DATABASE_URL: database.url, LRSWEEP_QUEUE_PREFIX: prefix, LRSWEEP_WORKER_NAME: 'pack-worker' });
  redis = await connectRedis(createRedis(config.redisUrl, 'producer'));
  queue = createTrialQueue(redis, prefix);
  children = await startPackChildren({ slots: 2, logger, checkpointDir });
});
afterAll(async () => {
  for (const stop of stopAfter.splice(0)) await stop().catch(() => {});
  await children?.close();
  await queue?.obliterate({ force: true }).catch(() => {});
  redis?.disconnect();
  await database?.drop();
  if (checkpointDir) rmSync(checkpointDir, { recursive: true, force: true });
});

describe('a worker with LRSWEEP_PACK=4', () => {
  it('trains four queued trials of a sweep as one pack: one runner call, one packId, and each trial its own rows', async () => {
    const runner = counted(children);
    const { stop } = startWorker(runner, { size: 4, slots: 1 });
    const { trialIds } = await queueSweep(4);
    const trials = await allEnded(trialIds);
    await stop();

    expect(runner.calls).toEqual([4]);
    expect(trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(new Set(trials.map((t) => t.packId)).size).toBe(1);
    expect(trials[0]!.packId).toMatch(/^[0-9a-f-]{36}$/);
    expect(trials.map((t) => t.packSize)).toEqual([4, 4, 4, 4]);
    for (const [i, t] of trials.entries()) {
      const rows = await listEpochs(database.db, t.id);
      expect(rows.map((r) => r.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, e) => e));
      // Each trial's own schedule: StepLR with its own gamma halves... its own lr each epoch.
      expect(rows[1]!.lr / rows[0]!.lr).toBeCloseTo(0.5 + i / 10, 6);
    }
  });

  it('lets a cancelled trial leave its pack while the others complete', async () => {
    const { stop } = startWorker(children, { size: 4, slots: 1 });
    const { trialIds } = await queueSweep(4);
    // The first trial to have trained two epochs is cancelled mid-pack, as a user's cancel would.
    const victim = await waitFor('a trial two epochs in', async () => (await trialsOf(trialIds)).find((t) => t.state === 'running' && t.epochsDone >= 2));
    await database.db.trial.update({ where: { id: victim.id }, data: { state: 'cancelled' } });
    const trials = await allEnded(trialIds);
    await stop();

    const byId = new Map(trials.map((t) => [t.id, t]));
    expect(byId.get(victim.id)!.epochsDone).toBeLessThan(EPOCHS);
    expect(byId.get(victim.id)!.state).toBe('cancelled');
    const others = trials.filter((t) => t.id !== victim.id);
    expect(others.map((t) => [t.state, t.epochsDone])).toEqual(others.map(() => ['completed', EPOCHS]));
    expect(new Set(trials.map((t) => t.packId)).size).toBe(1);
  });

  it('retries a pack that fails trial by trial, from each trial\'s last checkpoint, so one bad trial fails alone', async () => {
    let bad = '';
    const trained = new Map<string, number>(); // epochs trained per trial, over the pack and its retries
    // The pack call fails after its third epoch; alone, every trial trains but `bad`.
    const runner = counted(children, (trials, io) => {
      let epochs = 0;
      return {
        ...io,
        async epoch(i, row, checkpoint) {
          await io.epoch(i, row, checkpoint);
          const id = trials[i]!.claimed.id;
          trained.set(id, (trained.get(id) ?? 0) + 1);
          if (trials.length > 1 && ++epochs === 3) throw new Error('the pack broke');
        },
      };
    });
    const failing: TrialRunner = { ...runner, run: (trials, io) => (trials.length === 1 && trials[0]!.claimed.id === bad ? Promise.reject(new Error('this trial cannot train')) : runner.run(trials, io)) };
    const { stop } = startWorker(failing, { size: 4, slots: 1 });
    const { trialIds } = await queueSweep(4, { attempts: 1 });
    bad = trialIds[3]!;
    const trials = await allEnded(trialIds);
    await stop();

    expect(runner.calls).toEqual([4, 1, 1, 1]); // the pack, then each good trial alone (the bad one fails before its runner)
    const byId = new Map(trials.map((t) => [t.id, t]));
    expect(byId.get(bad)).toMatchObject({ state: 'failed', error: 'this trial cannot train' });
    for (const id of trialIds.slice(0, 3)) {
      expect(byId.get(id)).toMatchObject({ state: 'completed', epochsDone: EPOCHS });
      // Resumed, not restarted: every epoch recorded once, in order.
      expect((await listEpochs(database.db, id)).map((r) => r.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, e) => e));
    }
    // The trials that trained in the pack before it broke resumed from their checkpoints: no epoch trained twice.
    expect(trialIds.slice(0, 3).map((id) => trained.get(id))).toEqual([EPOCHS, EPOCHS, EPOCHS]);
    expect(new Set(trials.map((t) => t.packId)).size).toBe(1);
  });

  it('retries a pack whose training process dies trial by trial, in a new training process', async () => {
    const runner = counted(children);
    const { stop } = startWorker(runner, { size: 4, slots: 1 });
    const { trialIds } = await queueSweep(4);
    await waitFor('a trial two epochs in', async () => (await trialsOf(trialIds)).some((t) => t.epochsDone >= 2));
    // The training processes are this test process's children running pack.child.ts.
    const pids = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('pack.child'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const trials = await allEnded(trialIds);
    await stop();

    expect(runner.calls).toEqual([4, 1, 1, 1, 1]);
    expect(trials.map((t) => [t.state, t.epochsDone])).toEqual(trials.map(() => ['completed', EPOCHS]));
    for (const id of trialIds) expect((await listEpochs(database.db, id)).map((r) => r.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, e) => e));
  });

  it('lists every trial of a running pack in its registry entry; at shutdown mid-pack hands every trial back, and another worker resumes them from their checkpoints', async () => {
    const first = startWorker(children, { size: 4, slots: 1 });
    const heartbeat = startWorkerHeartbeat(first.worker, redis, config, undefined, logger);
    const { trialIds } = await queueSweep(4, { epochs: 20 });
    await waitFor('a trial three epochs in', async () => (await trialsOf(trialIds)).some((t) => t.epochsDone >= 3));
    expect([...heartbeat.info.currentTrials].sort()).toEqual([...trialIds].sort());
    await heartbeat.stop();
    await first.stop();

    const handedBack = await trialsOf(trialIds);
    expect(handedBack.map((t) => t.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(Math.max(...handedBack.map((t) => t.epochsDone))).toBeGreaterThanOrEqual(3);
    expect(await Promise.all(trialIds.map((id) => queue.getJobState(id)))).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);

    const second = counted(children);
    const { stop } = startWorker(second, { size: 4, slots: 1 });
    const trials = await allEnded(trialIds);
    await stop();
    expect(second.calls).toEqual([4]);
    expect(trials.map((t) => t.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    for (const id of trialIds) expect((await listEpochs(database.db, id)).map((r) => r.epoch)).toEqual(Array.from({ length: 20 }, (_, e) => e));
    const resumed = trials.find((t) => t.id === handedBack.find((h) => h.epochsDone >= 3)!.id)!;
    expect(resumed.attempts).toBe(2);
  });
});

describe('a worker with LRSWEEP_PACK=1', () => {
  it('trains the trials one by one: a runner call each, and no pack on any trial', async () => {
    const runner = counted(children);
    const { stop } = startWorker(runner, { size: 1, slots: 2 });
    const { trialIds } = await queueSweep(4);
    const trials = await allEnded(trialIds);
    await stop();
    expect(runner.calls).toEqual([1, 1, 1, 1]);
    expect(trials.map((t) => [t.state, t.packId, t.packSize])).toEqual(trials.map(() => ['completed', null, null]));
  });
});
