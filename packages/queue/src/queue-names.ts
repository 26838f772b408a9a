import type { TrialJob } from '@lrsweep/contracts';

/**
 * Queue names. Renaming one strands every job already waiting under the old name:
 * drain the queue first, or keep the old name.
 */
export const QUEUES = {
  trials: 'trials',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Where a trial waits: the built-in tfjs trainer's trials in `trials`, an external trainer's in
 * `trials.<trainer>`, which only workers that declare that trainer consume, so a worker never
 * receives a trial it cannot run.
 */
export function trialQueueName(trainer?: string): string {
  return trainer === undefined ? QUEUES.trials : `${QUEUES.trials}.${trainer}`;
}

/** The payload each queue carries; enqueue() and createWorker() are typed by it. */
export interface QueuePayloads {
  trials: TrialJob;
}
