import { WaitingError, type Job, type SandboxedJob } from 'bullmq';
import { Value } from '@sinclair/typebox/value';
import { TrialJob } from '@lrsweep/contracts';
import type { Config, Logger } from '@lrsweep/config';
import { createDb, disconnectDb } from '@lrsweep/db';
import { selectBackend } from '@lrsweep/trainer';
import { createRedis } from '@lrsweep/queue';
import { HANDED_BACK, runTrial, type TrialResult } from './run-trial.ts';
import { createEventsHooks } from './events.hooks.ts';
import { createMetricsHooks } from './metrics.hooks.ts';
import { createTrialStore } from './trial-store.ts';

export interface TrialProcessor {
  process(job: Job<TrialJob> | SandboxedJob<TrialJob>, token?: string, signal?: AbortSignal): Promise<TrialResult>;
  close(): Promise<void>;
}

/**
 * What turns a trial job into a trained trial, with what it needs loaded once per process:
 * the database pool, the backend and its datasets, the events connection. A sandboxed child
 * (trial.processor.ts) makes one and runs one job at a time; a worker whose backend never
 * blocks its thread makes one in its own process and runs `concurrency` jobs on it at once,
 * their Postgres and Redis writes batched together (trial-store.ts, events.hooks.ts).
 */
export function createTrialProcessor(config: Readonly<Config>, logger: Logger, { poolSize }: { poolSize: number }): TrialProcessor {
  const db = createDb(config.databaseUrl, { poolSize });
  const store = createTrialStore(db, config.workerName);
  const backend = selectBackend(config.backend);
  // Live events go straight to Redis from here; metrics go to the worker through job progress.
  const eventsRedis = createRedis(config.redisUrl, 'producer');
  eventsRedis.on('error', (err) => logger.warn({ err: err.message }, 'events redis connection error'));
  const eventsHooks = createEventsHooks({ redis: eventsRedis, prefix: config.queuePrefix, db, worker: config.workerName });
  const metricsHooks = createMetricsHooks(db);

  return {
    async process(job, token, signal) {
      // The payload is checked again here: a job written by another version or by hand must not crash a worker.
      if (!Value.Check(TrialJob, job.data)) {
        logger.error({ jobId: job.id }, 'malformed trial job dropped');
        return { state: 'skipped', detail: 'malformed job payload' };
      }
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // The worker aborts `signal` on SIGTERM (cancelAllJobs): the trial stops after its epoch.
      const ctx = {
        store, config, logger, backend: await backend, handBack: signal,
        hooks: [eventsHooks, metricsHooks((p) => job.updateProgress(p))],
      };
      const result = await runTrial(job.data.trialId, ctx, lastAttempt);
      if (result === HANDED_BACK) {
        // Back to wait with its attempts untouched, for another worker to resume from the checkpoint.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      return result;
    },
    async close() {
      eventsRedis.disconnect();
      await disconnectDb(db);
    },
  };
}
