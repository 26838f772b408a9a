import { WaitingError, type Job, type SandboxedJob } from 'bullmq';
import { Value } from '@sinclair/typebox/value';
import { TrialJob } from '@lrsweep/contracts';
import type { Config, Logger } from '@lrsweep/config';
import { createDb, disconnectDb } from '@lrsweep/db';
import { createRedis } from '@lrsweep/queue';
import { createEventsHooks } from './events.hooks.ts';
import { createHalvingAdvancer } from './halving/halving-advancer.ts';
import { createMetricsHooks } from './metrics.hooks.ts';
import type { TrialResult } from './trial-hooks.ts';
import { createOnSweepAdvanced } from './sweep-advanced.ts';
import { runTrials } from './trial-lifecycle.ts';
import type { TrialRunner } from './trial-runner.ts';
import { createTrialStore } from './trial-store.ts';
import { unknownTrialError } from './unknown-trial.ts';

export interface TrialProcessor {
  /** Runs a trial job's trial through the lifecycle with `runner`, and ends the job as the lifecycle says. */
  process(job: Job<TrialJob> | SandboxedJob<TrialJob>, token: string | undefined, signal: AbortSignal | undefined, runner: TrialRunner): Promise<TrialResult>;
  close(): Promise<void>;
}

/**
 * What turns a trial job into a trained trial, with what it needs loaded once per process:
 * the database pool and store, the events connection. A sandboxed child (trial.processor.ts)
 * makes one and runs one job at a time; a worker whose trials do not block its thread (the
 * no-op backend, scripts) makes one in its own process and runs `concurrency` jobs on it at
 * once, their Postgres and Redis writes batched together (trial-store.ts, events.hooks.ts).
 */
export function createTrialProcessor(config: Readonly<Config>, logger: Logger, { poolSize }: { poolSize: number }): TrialProcessor {
  const db = createDb(config.databaseUrl, { poolSize });
  const store = createTrialStore(db, config.workerName);
  // Live events go straight to Redis from here; metrics go to the worker through job progress.
  const eventsRedis = createRedis(config.redisUrl, 'producer');
  eventsRedis.on('error', (err) => logger.warn({ err: err.message }, 'events redis connection error'));
  const eventsHooks = createEventsHooks({ redis: eventsRedis, prefix: config.queuePrefix, db, worker: config.workerName });
  const metricsHooks = createMetricsHooks(db);
  // Enqueueing a seed race's next round must not share the best-effort events connection's fate.
  const advanceRedis = createRedis(config.redisUrl, 'producer');
  advanceRedis.on('error', (err) => logger.warn({ err: err.message }, 'sweep advance redis connection error'));
  const advance = createOnSweepAdvanced(advanceRedis, config.queuePrefix);
  const halving = createHalvingAdvancer({ db, redis: advanceRedis, prefix: config.queuePrefix, logger });

  return {
    async process(job, token, signal, runner) {
      // The payload is checked again here: a job written by another version or by hand must not crash a worker.
      if (!Value.Check(TrialJob, job.data)) {
        logger.error({ jobId: job.id }, 'malformed trial job dropped');
        return { state: 'skipped', detail: 'malformed job payload' };
      }
      const { trialId } = job.data;
      const attempt = {
        trialId,
        lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        // The worker aborts `signal` on SIGTERM (cancelAllJobs): the trial stops after its epoch.
        handBack: signal,
        hooks: [metricsHooks((p) => job.updateProgress(p))],
      };
      const [ended] = await runTrials([attempt], runner, { store, logger, hooks: [eventsHooks], onAdvanced: advance.onAdvanced, advanceSweep: halving.advanceSweep });
      switch (ended!.end) {
        case 'done':
          // A job whose trial is already finished may be the retry of one whose worker died
          // after recording it and before advancing its sweep: advance now (a no-op otherwise).
          if (ended!.result.state === 'skipped') await halving.advanceSweep(job.data.sweepId).catch((err: Error) => logger.warn({ trialId, err: err.message }, 'advancing the sweep failed'));
          return ended!.result;
        case 'failed':
          throw ended!.error;
        case 'unknown':
          logger.error({ jobId: job.id, trialId }, 'job for a trial not in this database failed');
          throw unknownTrialError(trialId);
        case 'handed-back':
          // Back to wait with its attempts untouched, for another worker to resume from the checkpoint.
          await job.moveToWait(token);
          throw new WaitingError();
      }
    },
    async close() {
      await halving.close();
      eventsRedis.disconnect();
      await advance.close();
      await disconnectDb(db);
    },
  };
}
