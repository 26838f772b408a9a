import type { Redis } from 'ioredis';
import type { PrismaClient } from '@lrsweep/db';
import { listWorkers } from '@lrsweep/queue';

/**
 * Why each unfinished trial is unfinished, in one line each: what Postgres says, what BullMQ
 * keeps for its job id, whether the job's lock is held, and which live worker lists it.
 */
export async function diagnoseOpenTrials(db: PrismaClient, redis: Redis, prefix: string, sweepId: string): Promise<string[]> {
  const open = await db.trial.findMany({ where: { sweepId, state: { in: ['queued', 'running'] } }, take: 10 });
  const workers = await listWorkers(redis, prefix).catch(() => []);
  const q = `${prefix}:trials`;
  const out: string[] = [];
  for (const t of open) {
    const [wait, active, completed, failed, delayed, lock, exists] = await Promise.all([
      redis.lpos(`${q}:wait`, t.id),
      redis.lpos(`${q}:active`, t.id),
      redis.zscore(`${q}:completed`, t.id),
      redis.zscore(`${q}:failed`, t.id),
      redis.zscore(`${q}:delayed`, t.id),
      redis.get(`${q}:${t.id}:lock`),
      redis.exists(`${q}:${t.id}`),
    ]);
    const job = wait !== null ? 'waiting' : active !== null ? 'active' : completed !== null ? 'completed' : failed !== null ? 'failed' : delayed !== null ? 'delayed' : exists ? 'in no list' : 'missing';
    const listedBy = workers.filter((w) => w.currentTrials.includes(t.id)).map((w) => w.id);
    out.push(
      `trial ${t.index} ${t.state} (epochsDone ${t.epochsDone}, attempts ${t.attempts}, worker ${t.worker}, silent ${Math.round((Date.now() - t.updatedAt.getTime()) / 1000)}s): ` +
        `job ${job}${lock ? ', locked' : ''}; listed by ${listedBy.join(', ') || 'no live worker'}`,
    );
  }
  return out;
}
