import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { isExternalTask, type CreateSweepBody, type TrialJob } from '@lrsweep/contracts';
import type { SweepAdvanced } from '@lrsweep/db';
import { connectRedis, createTrialQueue, enqueueTrials, reopenSweepEvents } from '@lrsweep/queue';
import { withRetry } from './with-retry.ts';

/**
 * What a worker does when settling its trial's sweep ended a round and the sweep's strategy
 * (seed racing, see @lrsweep/db sweep-advance.repository.ts) added the next one: the trials
 * are already queued in Postgres; this says so on the sweep's stream and enqueues their jobs.
 */
export type OnSweepAdvanced = (spec: CreateSweepBody, sweepId: string, advanced: SweepAdvanced) => Promise<void>;

/**
 * `redis` is a producer connection of its own. If the worker dies before the enqueue, the
 * API's reconciler finds the queued trials without jobs and enqueues them.
 */
export function createOnSweepAdvanced(redis: Redis, prefix: string): { onAdvanced: OnSweepAdvanced; close(): Promise<void> } {
  const queues = new Map<string, Queue<TrialJob>>();
  const queueOf = (trainer?: string) => {
    let queue = queues.get(trainer ?? '');
    if (!queue) queues.set(trainer ?? '', (queue = createTrialQueue(redis, prefix, trainer)));
    return queue;
  };
  return {
    async onAdvanced(spec, sweepId, { reason, trialIds, totalTrials }) {
      await connectRedis(redis);
      // Reopen first: it raises the stream's trial total, so its end waits for the new trials.
      const event = { type: 'sweep.reopened' as const, sweepId, reason, queuedTrials: trialIds.length, trials: totalTrials, at: new Date().toISOString() };
      await withRetry('reopen events', () => reopenSweepEvents(redis, prefix, sweepId, event, []));
      const queue = queueOf(isExternalTask(spec.task) ? spec.task.trainer : undefined);
      await withRetry('enqueue', () => enqueueTrials(queue, trialIds.map((trialId) => ({ trialId, sweepId }))));
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
    },
  };
}
