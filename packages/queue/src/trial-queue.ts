import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueStateCounts, TrialJob } from '@lrsweep/contracts';
import { trialQueueName } from './queue-names.ts';

/**
 * Retries cover real failures (a lost database connection, an OOM); bad hyperparameters are
 * thrown as UnrecoverableError by the worker and never retried. The job id is the trial id,
 * so enqueueing the same trial twice (a retried POST, the reconciler) adds one job, not two.
 */
export const TRIAL_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
};

/** The queue of the built-in trainer, or of the external trainer `trainer` (see trialQueueName). */
export function createTrialQueue(connection: Redis, prefix: string, trainer?: string): Queue<TrialJob> {
  const queue = new Queue<TrialJob>(trialQueueName(trainer), { connection, prefix, defaultJobOptions: TRIAL_JOB_OPTIONS });
  // Without a listener an 'error' event would crash the process; the connection retries by itself.
  queue.on('error', () => {});
  return queue;
}

const BULK = 1_000;

export async function enqueueTrials(queue: Queue<TrialJob>, jobs: TrialJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += BULK) {
    await queue.addBulk(jobs.slice(i, i + BULK).map((data) => ({ name: 'trial', data, opts: { jobId: data.trialId } })));
  }
}

/** Removes waiting jobs; a job already taken by a worker is left to stop at its next epoch. */
export async function removeTrialJobs(queue: Queue<TrialJob>, trialIds: string[]): Promise<void> {
  await Promise.all(trialIds.map((id) => queue.remove(id).catch(() => 0)));
}

export async function queueCounts(queue: Queue<TrialJob>): Promise<QueueStateCounts> {
  const [counts, workers] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'),
    queue.getWorkersCount(),
  ]);
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
    delayed: counts.delayed ?? 0,
    workers,
  };
}
