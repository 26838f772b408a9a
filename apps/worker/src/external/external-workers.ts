import { WaitingError } from 'bullmq';
import type { Redis } from 'ioredis';
import { Value } from '@sinclair/typebox/value';
import { TrialJob } from '@lrsweep/contracts';
import type { Config, Logger } from '@lrsweep/config';
import { createDb } from '@lrsweep/db';
import { Worker, advertiseTrainers, createRedis, trialQueueName } from '@lrsweep/queue';
import { createEventsHooks } from '../events.hooks.ts';
import type { TrialHooks } from '../trial-hooks.ts';
import type { WorkerConfig } from '../worker-config.ts';
import { EXTERNAL_HANDED_BACK, runExternalTrial } from './run-external-trial.ts';

export interface ExternalWorkers {
  close(): Promise<void>;
  /** Stops each running script (SIGTERM, then SIGKILL) and gives its trial back. */
  handBackAll(): void;
}

/**
 * One BullMQ worker per declared trainer, on that trainer's queue only, so this process never
 * receives a trial it cannot run. These processors run in the worker process itself, not in a
 * sandbox: training happens in the script's process, and the event loop here only waits on it.
 */
export async function startExternalWorkers(opts: {
  config: Readonly<Config>;
  logger: Logger;
  workerConfig: WorkerConfig;
  connection: Redis;
  gpu?: number;
}): Promise<ExternalWorkers | null> {
  const { config, logger, workerConfig } = opts;
  const names = [...workerConfig.trainers.keys()];
  if (names.length === 0) return null;
  const db = createDb(config.databaseUrl, { poolSize: 2 });
  // Live events as built-in trials publish them (GET /v1/sweeps/:id/events), on a fail-fast connection.
  const eventsRedis = createRedis(config.redisUrl, 'producer');
  eventsRedis.on('error', (err) => logger.warn({ err: err.message }, 'events redis connection error'));
  const hooks: TrialHooks[] = [createEventsHooks({ redis: eventsRedis, prefix: config.queuePrefix, db, worker: config.workerName })];
  const running = new Set<AbortController>();
  const workers = [...workerConfig.trainers.values()].map((trainer) => {
    const worker = new Worker<TrialJob>(
      trialQueueName(trainer.name),
      async (job, token) => {
        if (!Value.Check(TrialJob, job.data)) {
          logger.error({ jobId: job.id }, 'malformed trial job dropped');
          return { state: 'skipped', detail: 'malformed job payload' };
        }
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const handBack = new AbortController();
        running.add(handBack);
        try {
          const result = await runExternalTrial(
            job.data.trialId,
            { db, config, logger, trainer, worker: workerConfig, gpu: opts.gpu, progress: (p) => job.updateProgress(p), hooks, handBack: handBack.signal },
            lastAttempt,
          );
          if (result === EXTERNAL_HANDED_BACK) {
            await job.moveToWait(token);
            throw new WaitingError();
          }
          return result;
        } finally {
          running.delete(handBack);
        }
      },
      {
        connection: opts.connection,
        prefix: config.queuePrefix,
        concurrency: config.workerConcurrency,
        lockDuration: config.lockMs,
        stalledInterval: config.lockMs,
        maxStalledCount: 2,
      },
    );
    worker.on('error', (err) => logger.warn({ err: err.message, trainer: trainer.name }, 'trainer worker connection error'));
    worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message, trainer: trainer.name }, 'trial job failed'));
    return worker;
  });
  await advertiseTrainers(opts.connection, config.queuePrefix, names, config.workerName);
  logger.info({ trainers: names, config: workerConfig.file }, 'external trainers ready');
  return {
    handBackAll: () => {
      for (const c of running) c.abort();
    },
    async close() {
      const closing = Promise.all(workers.map((w) => w.close()));
      for (const c of running) c.abort();
      await closing;
      await db.$disconnect();
      await eventsRedis.quit().catch(() => eventsRedis.disconnect());
    },
  };
}
