import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialJob } from '@lrsweep/contracts';
import { enqueueTrials } from './trial-queue.ts';
import { listWorkers } from './worker-registry.ts';

// Finding the trials Redis has lost (Postgres calls them unfinished, nothing in Redis holds
// them) and putting them back: the two halves of a pass of the API's reconciler.

/**
 * Trial ids something in Redis still answers for: a job waiting, active, delayed or
 * prioritized (BullMQ's own lists, read through the queue's key map), or a live worker that
 * says it is training it. Anything Postgres calls unfinished and not in here was lost.
 * An active job whose worker died is counted as held: BullMQ's stalled check moves it back.
 */
export async function heldTrialIds(queue: Queue<TrialJob>, redis: Redis, prefix: string): Promise<Set<string>> {
  const k = queue.keys;
  const [lists, workers] = await Promise.all([
    redis
      .multi()
      .lrange(k.wait!, 0, -1)
      .lrange(k.paused!, 0, -1)
      .lrange(k.active!, 0, -1)
      .zrange(k.delayed!, 0, -1)
      .zrange(k.prioritized!, 0, -1)
      .zrange(k['waiting-children']!, 0, -1)
      .exec(),
    listWorkers(redis, prefix),
  ]);
  const held = new Set<string>();
  for (const [err, ids] of lists ?? []) {
    if (err) throw err;
    for (const id of ids as string[]) held.add(id);
  }
  for (const w of workers) for (const id of w.currentTrials) held.add(id);
  return held;
}

/**
 * Puts lost trials back on the queue. A finished job with the same id (a job that failed
 * for good while Postgres still calls its trial unfinished) would make the add a no-op, so it
 * is removed first; an active one cannot be removed and is left alone.
 */
export async function requeueTrials(queue: Queue<TrialJob>, redis: Redis, jobs: TrialJob[]): Promise<number> {
  const pipeline = redis.pipeline();
  for (const job of jobs) pipeline.exists(queue.toKey(job.trialId));
  const exists = (await pipeline.exec()) ?? [];
  for (const [i, job] of jobs.entries()) {
    if (exists[i]?.[1] === 1) await queue.remove(job.trialId).catch(() => 0);
  }
  await enqueueTrials(queue, jobs);
  return jobs.length;
}
