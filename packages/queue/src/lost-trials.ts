import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialJob } from '@lrsweep/contracts';
import { enqueueTrials } from './trial-queue.ts';
import { listWorkers } from './worker-registry.ts';

// Finding the trials Redis has lost (Postgres calls them unfinished, nothing in Redis holds
// them) and putting them back: the two halves of a pass of the API's reconciler.

export interface HeldTrials {
  /** Trial ids with a job waiting, delayed, prioritized, or active under a live lock. */
  byJob: Set<string>;
  /** Trial ids a live worker says it is training, with that worker's id. */
  byWorker: Map<string, string>;
}

/**
 * What something in Redis still answers for: a job waiting, delayed, prioritized or active
 * under a live lock (BullMQ's own lists and lock keys, read through the queue's key map), or a
 * live worker that says it is training the trial. Anything Postgres calls unfinished and in
 * neither was lost. An active job whose lock has expired is stalled (its worker died), and not
 * held: the reconciler recovers it within its own interval instead of waiting for a live
 * worker's stalled check, which never comes when no worker of this queue is left.
 */
export async function heldTrialIds(queue: Queue<TrialJob>, redis: Redis, prefix: string): Promise<HeldTrials> {
  const k = queue.keys;
  const [lists, workers] = await Promise.all([
    redis
      .multi()
      .lrange(k.wait!, 0, -1)
      .lrange(k.paused!, 0, -1)
      .zrange(k.delayed!, 0, -1)
      .zrange(k.prioritized!, 0, -1)
      .zrange(k['waiting-children']!, 0, -1)
      .lrange(k.active!, 0, -1)
      .exec(),
    listWorkers(redis, prefix),
  ]);
  const byJob = new Set<string>();
  for (const [err] of lists ?? []) if (err) throw err;
  const replies = (lists ?? []).map(([, ids]) => ids as string[]);
  for (const ids of replies.slice(0, -1)) for (const id of ids) byJob.add(id);
  const active = replies.at(-1) ?? [];
  if (active.length > 0) for (const id of await lockedIds(queue, redis, active)) byJob.add(id);
  const byWorker = new Map<string, string>();
  for (const w of workers) for (const id of w.currentTrials) byWorker.set(id, w.id);
  return { byJob, byWorker };
}

/** The active job ids whose worker still holds the job lock (`<job key>:lock`, renewed while it runs). */
async function lockedIds(queue: Queue<TrialJob>, redis: Redis, ids: string[]): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.exists(`${queue.toKey(id)}:lock`);
  const replies = (await pipeline.exec()) ?? [];
  return ids.filter((_, i) => replies[i]?.[1] === 1);
}

/**
 * Puts lost trials back on the queue. A finished job with the same id (a job that failed
 * for good while Postgres still calls its trial unfinished) would make the add a no-op, so it
 * is removed first (a stalled active one too, its lock having expired); one locked again in
 * the meantime cannot be removed and is left alone.
 */
export async function requeueTrials(queue: Queue<TrialJob>, redis: Redis, jobs: TrialJob[]): Promise<number> {
  const pipeline = redis.pipeline();
  for (const job of jobs) pipeline.exists(queue.toKey(job.trialId));
  const exists = (await pipeline.exec()) ?? [];
  const lost: TrialJob[] = [];
  for (const [i, job] of jobs.entries()) {
    if (exists[i]?.[1] === 1) {
      // Enqueued since this pass read what Redis holds (a sweep just submitted): it is not lost,
      // and removing it to add it again would empty the queue for an instant.
      const state = await queue.getJobState(job.trialId);
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
      await queue.remove(job.trialId).catch(() => 0);
    }
    lost.push(job);
  }
  await enqueueTrials(queue, lost);
  return lost.length;
}
