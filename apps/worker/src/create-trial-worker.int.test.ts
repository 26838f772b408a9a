import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@lrsweep/config';
import { createSweepWithTrials, getTrial } from '@lrsweep/db';
import { createTestDatabase, type TestDatabase } from '@lrsweep/db/testing';
import { QUEUES, connectRedis, createRedis, createTrialQueue, enqueueTrials, type Job, type Queue } from '@lrsweep/queue';
import type { TrialJob } from '@lrsweep/contracts';
import type { Redis } from 'ioredis';
import { createBuiltinRunner } from './builtin.runner.ts';
import { createTrialProcessor, type TrialProcessor } from './create-trial-processor.ts';
import { closeTrialWorker, createTrialWorker } from './create-trial-worker.ts';
import { workerMetrics } from './metrics-server.ts';
import { selectBackend } from '@lrsweep/trainer';
import type { Registry } from 'prom-client';
import type { TrialResult } from './trial-hooks.ts';

// A trial queue's BullMQ worker as the worker process builds it, on the real Redis and
// Postgres: what each kind of job ends as, and what /metrics counts.

let database: TestDatabase;
let redis: Redis;
let queue: Queue<TrialJob>;
let processor: TrialProcessor;
let worker: ReturnType<typeof createTrialWorker>;
let metrics: Registry;
const prefix = `lrsweep-test-${randomUUID().slice(0, 8)}`;

/** Resolves with how the job of `trialId` ended: its result, or its error. */
function ended(trialId: string): Promise<{ result?: TrialResult; error?: Error; job?: Job<TrialJob> }> {
  return new Promise((resolve) => {
    const onCompleted = (job: Job<TrialJob>, result: TrialResult) => job.data.trialId === trialId && resolve({ result, job });
    const onFailed = (job: Job<TrialJob> | undefined, error: Error) => job?.data.trialId === trialId && resolve({ error, job });
    worker.on('completed', onCompleted);
    worker.on('failed', onFailed);
  });
}

async function newTrial(): Promise<{ sweepId: string; trialId: string }> {
  const schedule = { type: 'StepLR', step_size: 1 };
  const { id, trialIds } = await createSweepWithTrials(database.db, {
    name: 'worker-jobs',
    spec: { task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } }, schedules: [schedule] },
    objectiveMetric: 'val_loss',
    objectiveMode: 'min',
    trials: [{ index: 0, schedule, scheduleKey: JSON.stringify(schedule), seed: 0 }],
  });
  return { sweepId: id, trialId: trialIds[0]! };
}

const unknownCount = async () => (await metrics.getSingleMetric('lrsweep_worker_unknown_trial_jobs_total')!.get()).values[0]?.value;

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ ...process.env, DATABASE_URL: database.url, LRSWEEP_QUEUE_PREFIX: prefix, LRSWEEP_WORKER_NAME: 'test-worker' });
  const logger = createLogger('worker-test', 'silent');
  redis = await connectRedis(createRedis(config.redisUrl, 'producer'));
  queue = createTrialQueue(redis, prefix);
  processor = createTrialProcessor(config, logger, { poolSize: 2 });
  const runner = createBuiltinRunner(await selectBackend('noop'), { noopEpochMs: 0, checkpointDir: mkdtempSync(path.join(tmpdir(), 'lrsweep-ckpt-')) });
  worker = createTrialWorker(QUEUES.trials, (job, token, signal) => processor.process(job, token, signal, runner), {
    connection: createRedis(config.redisUrl, 'worker'),
    config,
    logger,
  });
  metrics = workerMetrics([worker]);
});
afterAll(async () => {
  await closeTrialWorker(worker);
  await processor.close();
  await queue.obliterate({ force: true }).catch(() => {});
  redis?.disconnect();
  await database?.drop();
});

describe('a trial queue worker', () => {
  it('trains a trial and completes its job; a second job for the finished trial completes with nothing to do', async () => {
    const { sweepId, trialId } = await newTrial();
    const first = ended(trialId);
    await enqueueTrials(queue, [{ trialId, sweepId }]);
    expect((await first).result).toEqual({ state: 'completed' });
    expect(await getTrial(database.db, trialId)).toMatchObject({ state: 'completed', epochsDone: 2 });

    await queue.remove(trialId); // the job id is the trial id: make room for a duplicate
    const again = ended(trialId);
    await enqueueTrials(queue, [{ trialId, sweepId }]);
    expect((await again).result).toEqual({ state: 'skipped', detail: 'trial is finished or cancelled' });
    expect(await unknownCount()).toBe(0);
  });

  it("fails the job of a trial not in this database at once, saying why, and counts it", async () => {
    const trialId = randomUUID();
    const done = ended(trialId);
    await enqueueTrials(queue, [{ trialId, sweepId: randomUUID() }]);
    const { error, job } = await done;
    expect(error?.message).toContain(`trial ${trialId} is not in this worker's database`);
    expect(error?.message).toMatch(/DATABASE_URL.*LRSWEEP_QUEUE_PREFIX/);
    expect(job?.attemptsMade).toBe(1); // no retries: another attempt would find it missing too
    expect(await queue.getJobState(trialId)).toBe('failed');
    expect(await unknownCount()).toBe(1);
  });
});
