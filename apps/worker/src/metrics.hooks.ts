import { DATASET_SIZES } from '@lrsweep/trainer';
import { getSweep, type PrismaClient } from '@lrsweep/db';
import type { TrialHooks, TrialResult } from './trial-hooks.ts';

/**
 * What a trial reports to its worker's parent process. Trials train in a sandboxed child
 * process, but `/metrics` is served by the parent (it outlives children and is the one place
 * to aggregate), so these hooks run in the child and send their figures through BullMQ's job
 * progress: the child's `job.updateProgress` reaches the parent Worker as a 'progress' event.
 * `epoch`/`epochs` are kept so the job's progress still reads as epochs done.
 */
export interface TrialProgress {
  /** Epochs done. */
  epoch: number;
  epochs: number;
  /** The epoch that just ended: wall seconds, and training samples per second over them. */
  epochSeconds?: number;
  samplesPerSecond?: number;
  /** Sent once, when the attempt ends with a final state. */
  finished?: { state: Exclude<TrialResult['state'], 'skipped'>; seconds: number };
}

export function isTrialProgress(value: unknown): value is TrialProgress {
  return typeof value === 'object' && value !== null && typeof (value as TrialProgress).epoch === 'number';
}

/**
 * Returns a factory of per-job hooks (each job reports through its own `job.updateProgress`);
 * the sweeps' training-set sizes are looked up once per sweep and shared.
 */
export function createMetricsHooks(db: PrismaClient): (report: (progress: TrialProgress) => Promise<void>) => TrialHooks {
  const samples = new Map<string, Promise<number | undefined>>();
  const trainSamples = (sweepId: string) => {
    let found = samples.get(sweepId);
    if (!found) {
      found = getSweep(db, sweepId).then((s) => {
        const dataset = (s?.spec as { task?: { dataset?: string } } | undefined)?.task?.dataset;
        return dataset && dataset in DATASET_SIZES ? DATASET_SIZES[dataset as keyof typeof DATASET_SIZES].train : undefined;
      });
      if (samples.size > 1_000) samples.clear();
      samples.set(sweepId, found);
    }
    return found;
  };

  return (report) => {
    let startedAt = Date.now();
    let done = { epoch: 0, epochs: 0 };
    return {
      started() {
        startedAt = Date.now();
      },
      async epoch({ sweepId }, row, epochs) {
        done = { epoch: row.epoch + 1, epochs };
        const n = await trainSamples(sweepId).catch(() => undefined);
        await report({ ...done, epochSeconds: row.seconds, ...(n && row.seconds > 0 ? { samplesPerSecond: n / row.seconds } : {}) });
      },
      async finished(_trial, result) {
        if (result.state === 'skipped') return;
        await report({ ...done, finished: { state: result.state, seconds: (Date.now() - startedAt) / 1000 } });
      },
    };
  };
}
