import type { Redis } from 'ioredis';
import type { TrialJob } from '@lrsweep/contracts';
import type { Config, Logger } from '@lrsweep/config';
import { Worker, type Job } from '@lrsweep/queue';
import type { TrialResult } from './trial-hooks.ts';

/** A processor in this process (training that blocks runs in processes of the runner's own, pack-children.ts). */
export type TrialJobProcessor = (job: Job<TrialJob>, token?: string, signal?: AbortSignal) => Promise<TrialResult>;

/**
 * The one way to build a BullMQ worker for a trial queue, the built-in one or a trainer's.
 * The processor validates the payload and puts a handed-back job back to wait itself
 * (create-trial-processor.ts). `concurrency`: jobs held at once (packs x pack size for the
 * built-in queue). @defaultValue config.workerConcurrency
 */
export function createTrialWorker(
  queue: string,
  processor: TrialJobProcessor,
  { connection, config, logger, concurrency }: { connection: Redis; config: Readonly<Config>; logger: Logger; concurrency?: number },
): Worker<TrialJob, TrialResult> {
  const worker = new Worker<TrialJob, TrialResult>(queue, processor, {
    connection,
    prefix: config.queuePrefix,
    concurrency: concurrency ?? config.workerConcurrency,
    // An epoch can take a while on a slow backend; the parent renews the lock meanwhile. A
    // worker killed outright loses its jobs to the others' stalled check after about this long.
    lockDuration: config.lockMs,
    stalledInterval: config.lockMs,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => logger.warn({ err: err.message, queue }, 'worker connection error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message, queue }, 'trial job failed'));
  return worker;
}

/**
 * Stops taking jobs, and stops each running trial after its current epoch (a script: SIGTERM,
 * then SIGKILL): it is checkpointed, released, and its job moved back to wait for another
 * worker to resume. Resolves once every job has ended.
 */
export async function closeTrialWorker(worker: Worker<TrialJob, TrialResult>): Promise<void> {
  const closing = worker.close();
  worker.cancelAllJobs('shutdown');
  // A job fetched in the instant before close() took effect is cancelled too.
  const again = setInterval(() => worker.cancelAllJobs('shutdown'), 250);
  await closing.finally(() => clearInterval(again));
}
