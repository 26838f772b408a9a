import type { Logger } from '@lrsweep/config';
import type { TrialJob } from '@lrsweep/contracts';
import type { DbClient } from '@lrsweep/db';
import { createTrialQueue, enqueueTrials, type Queue } from '@lrsweep/queue';
import type { Redis } from 'ioredis';
import { advanceHalving } from './advance-halving.ts';

/**
 * The lifecycle's `advanceSweep` for successive halving: writes the next rung when one ends
 * and queues its trials on the sweep's trainer's queue. Were the enqueue lost (Redis down at
 * that instant), the API's reconciler queues the trials Postgres calls unfinished.
 */
export function createHalvingAdvancer({ db, redis, prefix, logger }: { db: DbClient; redis: Redis; prefix: string; logger: Logger }) {
  const queues = new Map<string, Queue<TrialJob>>();
  const queueFor = (trainer: string | undefined): Queue<TrialJob> => {
    const name = trainer ?? '';
    let q = queues.get(name);
    if (!q) queues.set(name, (q = createTrialQueue(redis, prefix, trainer)));
    return q;
  };
  return {
    async advanceSweep(sweepId: string): Promise<void> {
      const next = await advanceHalving(db, sweepId);
      if (!next || next.trialIds.length === 0) return;
      logger.info({ sweepId, rung: next.rung, trials: next.trialIds.length }, 'successive halving: next rung queued');
      await enqueueTrials(queueFor(next.trainer), next.trialIds.map((trialId) => ({ trialId, sweepId })));
    },
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
