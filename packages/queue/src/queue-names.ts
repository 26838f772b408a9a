import type { TrialJob } from '@lrsweep/contracts';

/**
 * Queue names. Renaming one strands every job already waiting under the old name:
 * drain the queue first, or keep the old name.
 */
export const QUEUES = {
  trials: 'trials',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The payload each queue carries; enqueue() and createWorker() are typed by it. */
export interface QueuePayloads {
  trials: TrialJob;
}
