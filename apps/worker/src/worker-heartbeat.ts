import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Config, Logger } from '@lrsweep/config';
import { registryTtlMs, startHeartbeat, type Heartbeat, type Worker } from '@lrsweep/queue';
import { isTrialProgress } from './metrics.hooks.ts';

/**
 * Announces this worker process in the Redis registry (GET /v1/workers) and keeps its entry
 * current from the BullMQ worker's own events, so the training child is never involved and a
 * long epoch cannot delay a beat. The reconciler also reads `currentTrials`: a trial listed by
 * a live worker is never re-enqueued, even when its job was lost from Redis.
 */
export function startWorkerHeartbeat(worker: Worker, redis: Redis, config: Readonly<Config>, gpu: number | undefined, logger: Logger): Heartbeat {
  const now = new Date().toISOString();
  const heartbeat = startHeartbeat(
    redis,
    config.queuePrefix,
    {
      id: config.workerName,
      host: hostname(),
      pid: process.pid,
      gpu: gpu ?? null,
      backend: config.backend ?? null,
      currentTrials: [],
      trialsDone: 0,
      samplesPerSecond: null,
      startedAt: now,
      lastSeenAt: now,
    },
    registryTtlMs(config.lockMs),
    (err) => logger.warn({ err: err.message }, 'worker registry: heartbeat failed'),
  );
  const current = new Set<string>();
  const sync = () => heartbeat.update({ currentTrials: [...current] });
  worker.on('active', (job) => {
    if (job.id) current.add(job.id);
    sync();
  });
  worker.on('completed', (job, result: { state?: string } | null) => {
    if (job.id) current.delete(job.id);
    const counted = result?.state !== undefined && result.state !== 'skipped';
    heartbeat.update({ currentTrials: [...current], trialsDone: heartbeat.info.trialsDone + (counted ? 1 : 0) });
  });
  worker.on('failed', (job) => {
    if (job?.id) current.delete(job.id);
    sync();
  });
  worker.on('progress', (_job, p) => {
    if (!isTrialProgress(p)) return;
    heartbeat.update({
      ...(p.samplesPerSecond !== undefined ? { samplesPerSecond: p.samplesPerSecond } : {}),
      ...(p.backend !== undefined ? { backend: p.backend } : {}),
    });
  });
  return heartbeat;
}
