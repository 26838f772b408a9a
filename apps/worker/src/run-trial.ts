import type { CreateSweepBody, Metric } from '@lrsweep/contracts';
import type { Config, Logger } from '@lrsweep/config';
import type { SweepStatus } from '@lrsweep/db';
import { train, type Checkpoint, type EpochRow, type ScheduleSpec, type TrainTask } from '@lrsweep/trainer';
import { withRetry } from './with-retry.ts';
import type { TrialHooks, TrialRef, TrialResult } from './trial-hooks.ts';
import type { TrialStore } from './trial-store.ts';

export interface TrialContext {
  /** Postgres, batched across the trials this process runs at once. */
  store: TrialStore;
  config: Readonly<Config>;
  logger: Logger;
  backend: { name: string; version: string };
  hooks?: TrialHooks[];
  /**
   * Aborted when the worker shuts down: the trial stops after the epoch in progress (written
   * with its checkpoint), goes back to `queued`, and runTrial returns HANDED_BACK.
   */
  handBack?: AbortSignal;
}

/** runTrial's result for a trial given back at shutdown; the processor puts its job back on the queue. */
export const HANDED_BACK = { state: 'skipped', detail: 'handed back at shutdown' } as const satisfies TrialResult;

export type { TrialResult };

async function callHooks(ctx: TrialContext, log: Logger, call: (h: TrialHooks) => Promise<void> | void | undefined): Promise<void> {
  for (const hooks of ctx.hooks ?? []) {
    try {
      await call(hooks);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'trial hook failed');
    }
  }
}

/** Errors that no retry can fix: the spec itself is wrong. */
function isConfigError(err: unknown): boolean {
  const name = (err as { name?: string; code?: string })?.code ?? (err as Error)?.name ?? '';
  return ['LRS_INVALID_SCHEDULE', 'LRS_SCHEDULE_STEP', 'LRS_TRAINER_CONFIG', 'ScheduleError', 'ScheduleStepError', 'TrainerConfigError'].includes(name);
}

/**
 * Trains one trial: claims it in Postgres (the source of truth), trains with the trainer,
 * writes every epoch as it finishes (idempotent on trial + epoch), checks for cancellation at
 * each epoch boundary and records the outcome. Throws only for failures worth a retry.
 */
export async function runTrial(trialId: string, ctx: TrialContext, lastAttempt: boolean): Promise<TrialResult> {
  const { store, config, backend } = ctx;
  const claimed = await withRetry('claim', () => store.claim(trialId, backend.name));
  if (!claimed) return { state: 'skipped', detail: 'trial is finished, cancelled or unknown' };
  const log = ctx.logger.child({ sweepId: claimed.sweepId, trialId });
  const spec = claimed.sweep.spec as unknown as CreateSweepBody;
  const task = spec.task as TrainTask;
  const ref: TrialRef = { sweepId: claimed.sweepId, trialId };
  const finished = async (result: TrialResult, status: SweepStatus | null) => callHooks(ctx, log, (h) => h.finished?.(ref, result, status));
  await callHooks(ctx, log, (h) => h.started?.({ ...ref, attempt: claimed.attempts, backend: backend.name }));
  const retry = (what: string) => (attempt: number, err: Error) => log.warn({ attempt, err: err.message }, `${what}: Postgres unreachable, retrying`);

  let cancelled = false;
  const started = Date.now();
  try {
    const resume = (claimed.checkpoint ?? undefined) as Checkpoint | undefined;
    if (resume) log.info({ fromEpoch: resume.epoch + 1 }, 'resuming from checkpoint');
    const [outcome] = await train({
      task,
      trials: [{ schedule: claimed.schedule as unknown as ScheduleSpec, seed: claimed.seed, resume }],
      objectiveMetric: claimed.sweep.objectiveMetric as Metric,
      checkpoint: true,
      noopEpochMs: config.noopEpochMs,
      onEpoch: async (_i: number, row: EpochRow, checkpoint?: Checkpoint) => {
        // Epoch, checkpoint and cancel check in one statement: a kill at any instant leaves the
        // epoch and the checkpoint to resume after it together, or neither.
        const epochRow = { epoch: row.epoch, lr: row.lr, trainLoss: row.train_loss, valLoss: row.val_loss, valAcc: row.val_acc, seconds: row.seconds };
        const written = await withRetry('epoch', () => store.recordEpoch({ trialId, row: epochRow, checkpoint: (checkpoint ?? null) as never }), retry('epoch'));
        cancelled = written?.cancelled ?? false;
        await callHooks(ctx, log, (h) => h.epoch?.(ref, row, task.epochs));
      },
      shouldStop: () => cancelled || ctx.handBack?.aborted === true,
    });
    const seconds = (Date.now() - started) / 1000;
    let result: TrialResult;
    if (outcome?.status === 'stopped' && !cancelled) {
      await withRetry('release', () => store.release(trialId), retry('release'));
      log.info({ epoch: outcome.epoch }, 'trial handed back at shutdown; it resumes from its checkpoint elsewhere');
      return HANDED_BACK;
    }
    if (!outcome || outcome.status === 'stopped') {
      await withRetry('finish', () => store.finish(trialId, { state: 'cancelled', seconds }));
      result = { state: 'cancelled' };
    } else if (outcome.status === 'diverged') {
      await withRetry('finish', () => store.finish(trialId, { state: 'diverged', divergedEpoch: outcome.epoch, error: outcome.reason, seconds }));
      result = { state: 'diverged', detail: outcome.reason };
    } else {
      const f = outcome.final;
      const objective = f[claimed.sweep.objectiveMetric as Metric];
      await withRetry('finish', () =>
        store.finish(trialId, { state: 'completed', finalTrainLoss: f.train_loss, finalValLoss: f.val_loss, finalValAcc: f.val_acc, objective, seconds }),
      );
      result = { state: 'completed' };
    }
    const status = await withRetry('sweep status', () => store.settle(claimed.sweepId));
    await finished(result, status);
    log.info({ state: result.state, seconds }, 'trial finished');
    return result;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (isConfigError(err) || lastAttempt) {
      log.error({ err: message }, 'trial failed');
      await withRetry('finish', () => store.finish(trialId, { state: 'failed', error: message, seconds: (Date.now() - started) / 1000 }));
      const status = await withRetry('sweep status', () => store.settle(claimed.sweepId));
      await finished({ state: 'failed', detail: message }, status);
      if (isConfigError(err)) return { state: 'failed', detail: message };
    } else {
      log.warn({ err: message }, 'trial attempt failed; it will be retried');
    }
    throw err;
  }
}
