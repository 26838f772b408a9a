import { WaitingError, type SandboxedJob } from 'bullmq';
import { Value } from '@sinclair/typebox/value';
import { TrialJob } from '@lrsweep/contracts';
import { createLogger, loadConfig } from '@lrsweep/config';
import { createDb } from '@lrsweep/db';
import { selectBackend } from '@lrsweep/trainer';
import { HANDED_BACK, runTrial, type TrialResult } from './run-trial.ts';
import { createRedis } from '@lrsweep/queue';
import { createEventsHooks } from './events.hooks.ts';
import { createMetricsHooks } from './metrics.hooks.ts';

/**
 * Runs in a child process BullMQ forks (a sandboxed processor): training blocks its thread
 * for seconds at a time, and here that cannot stop the parent's event loop from renewing
 * job locks, so a healthy trial is never marked stalled. The child lives across jobs, so the
 * config, the database pool, the backend and the datasets load once per process.
 */
const config = loadConfig();
const logger = createLogger('worker', config.logLevel).child({ worker: config.workerName });
const db = createDb(config.databaseUrl, { poolSize: 2 });
const backend = selectBackend(config.backend);
// Live events go straight to Redis from here; metrics go to the parent through job progress.
const eventsRedis = createRedis(config.redisUrl, 'producer');
eventsRedis.on('error', (err) => logger.warn({ err: err.message }, 'events redis connection error'));
const eventsHooks = createEventsHooks({ redis: eventsRedis, prefix: config.queuePrefix, db, worker: config.workerName });
const metricsHooks = createMetricsHooks(db);

// A worker killed with SIGKILL cannot stop this child, but its IPC channel closes: exit at
// once, or this orphan would keep training a trial that another worker resumes.
process.on('disconnect', () => process.exit(1));

export default async function processTrial(job: SandboxedJob<TrialJob>, token?: string, signal?: AbortSignal): Promise<TrialResult> {
  // The payload is checked again here: a job written by another version or by hand must not crash a worker.
  if (!Value.Check(TrialJob, job.data)) {
    logger.error({ jobId: job.id }, 'malformed trial job dropped');
    return { state: 'skipped', detail: 'malformed job payload' };
  }
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  // The worker aborts `signal` on SIGTERM (cancelAllJobs): the trial stops after its epoch.
  const ctx = {
    db, config, logger, backend: await backend, progress: (p: object) => job.updateProgress(p), handBack: signal,
    hooks: [eventsHooks, metricsHooks((p) => job.updateProgress(p))],
  };
  const result = await runTrial(job.data.trialId, ctx, lastAttempt);
  if (result === HANDED_BACK) {
    // Back to wait with its attempts untouched, for another worker to resume from the checkpoint.
    await job.moveToWait(token);
    throw new WaitingError();
  }
  return result;
}
