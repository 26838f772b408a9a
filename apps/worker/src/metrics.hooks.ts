import { DATASET_SIZES } from '@lrsweep/trainer';
import { getSweep, type PrismaClient } from '@lrsweep/db';
import type { TrialHooks, TrialResult } from './trial-hooks.ts';

/**
 * What a trial reports to its worker's process: `/metrics` (metrics-server.ts) and the worker
 * registry (worker-heartbeat.ts) read it. Both listen to the BullMQ Worker, the one place that
 * sees every queue's jobs, so the report travels as BullMQ job progress: `job.updateProgress`
 * reaches the Worker as a 'progress' event. `epoch`/`epochs` are kept so the job's progress still reads as epochs done.
 */
export interface TrialProgress {
  /** Epochs done. */
  epoch: number;
  epochs: number;
  backend?: string;
  /** Wall seconds of each epoch that ended since the last report. */
  epochSeconds?: number[];
  /** Training samples per second over the last epoch. */
  samplesPerSecond?: number;
  /** Sent once, when the attempt ends with a final state. */
  finished?: { state: Exclude<TrialResult['state'], 'skipped'>; seconds: number };
}

export function isTrialProgress(value: unknown): value is TrialProgress {
  return typeof value === 'object' && value !== null && typeof (value as TrialProgress).epoch === 'number';
}

/**
 * A report costs a Redis script call; a worker passing hundreds of short trials a second
 * would spend more on reports than on trials. Epochs are reported at most this often per
 * trial (their durations are kept and sent with the next report); the final one always goes.
 */
export const PROGRESS_INTERVAL_MS = 1_000;

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
    let reportedAt = Date.now();
    let backend: string | undefined;
    let done = { epoch: 0, epochs: 0 };
    let pending: number[] = [];
    let samplesPerSecond: number | undefined;
    const send = async (extra: Partial<TrialProgress> = {}) => {
      reportedAt = Date.now();
      const epochSeconds = pending;
      pending = [];
      await report({
        ...done,
        ...(backend ? { backend } : {}),
        ...(epochSeconds.length ? { epochSeconds } : {}),
        ...(samplesPerSecond !== undefined ? { samplesPerSecond } : {}),
        ...extra,
      });
    };
    return {
      started(trial) {
        startedAt = Date.now();
        reportedAt = startedAt;
        backend = trial.backend;
      },
      async epoch({ sweepId }, row, epochs) {
        done = { epoch: row.epoch + 1, epochs };
        pending.push(row.seconds);
        const n = await trainSamples(sweepId).catch(() => undefined);
        if (n && row.seconds > 0) samplesPerSecond = n / row.seconds;
        if (Date.now() - reportedAt >= PROGRESS_INTERVAL_MS) await send();
      },
      async finished(_trial, result) {
        if (result.state === 'skipped') return;
        await send({ finished: { state: result.state, seconds: (Date.now() - startedAt) / 1000 } });
      },
    };
  };
}
