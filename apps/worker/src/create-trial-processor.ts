import { WaitingError, type Job } from 'bullmq';
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
import { createPackCollector, type PackCollector } from './pack-collector.ts';
import { retryPackAlone } from './pack-alone.runner.ts';
import { runTrials, type LifecycleContext, type TrialAttempt, type TrialEnd } from './trial-lifecycle.ts';
import type { TrialRunner } from './trial-runner.ts';
import { createTrialStore } from './trial-store.ts';
import { unknownTrialError } from './unknown-trial.ts';

export interface TrialProcessor {
  /** Runs a trial job's trial through the lifecycle with `runner`, and ends the job as the lifecycle says. */
  process(job: Job<TrialJob>, token: string | undefined, signal: AbortSignal | undefined, runner: TrialRunner): Promise<TrialResult>;
  close(): Promise<void>;
}

export interface PackOptions {
  /** The most trials of one sweep trained as one runner call (LRSWEEP_PACK, pack-size.ts). */
  size: number;
  /** Packs training at once: the worker's training processes. */
  slots: number;
  /** How long a job waits for others of its sweep. @defaultValue PACK_GATHER_MS */
  gatherMs?: number;
}

/**
 * What turns a trial job into a trained trial, with what it needs loaded once per process:
 * the database pool and store, the events connection. It runs in the worker's own process and
 * takes many jobs at once, their Postgres and Redis writes batched together (trial-store.ts,
 * events.hooks.ts). With `pack` (the built-in queue) jobs of one sweep are gathered into packs,
 * each one lifecycle call and one runner call (pack-collector.ts), a pack that fails retried
 * trial by trial (pack-alone.runner.ts); the runner trains them where training cannot block this
 * process (pack-children.ts). Without it (a trainer's scripts) each job is a call of its own.
 */
export function createTrialProcessor(
  config: Readonly<Config>,
  logger: Logger,
  { poolSize, pack }: { poolSize: number; /** Gather jobs into packs (the built-in queue); without it each job is a runner call of its own. */ pack?: PackOptions },
): TrialProcessor {
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

  const ctx: LifecycleContext = { store, logger, hooks: [eventsHooks], onAdvanced: advance.onAdvanced, advanceSweep: halving.advanceSweep };
  // One collector per runner (one for the built-in queue): a pack is trained by one runner.
  const collectors = new Map<TrialRunner, PackCollector<TrialAttempt, TrialEnd>>();
  const collectorFor = (runner: TrialRunner, p: PackOptions) => {
    let collector = collectors.get(runner);
    if (!collector) {
      const packed = retryPackAlone(runner);
      collector = createPackCollector({ ...p, run: (attempts) => runTrials(attempts, packed, ctx) });
      collectors.set(runner, collector);
    }
    return collector;
  };

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
      // A job still waiting for its pack at shutdown was never claimed: it just goes back to wait.
      const [ended] = pack
        ? [await collectorFor(runner, pack).add(attempt, job.data.sweepId, { signal, aborted: (): TrialEnd => ({ end: 'handed-back' }) })]
        : await runTrials([attempt], runner, ctx);
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
