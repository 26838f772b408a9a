import { randomUUID } from 'node:crypto';
import type { Logger } from '@lrsweep/config';
import { metricOf, type CreateSweepBody } from '@lrsweep/contracts';
import type { ClaimedTrial, FinishTrialInput } from '@lrsweep/db';
import type { TrialHooks, TrialRef, TrialResult } from './trial-hooks.ts';
import type { OnSweepAdvanced } from './sweep-advanced.ts';
import type { RunnerIO, RunnerTrial, RunOutcome, StopReason, TrialRunner } from './trial-runner.ts';
import type { TrialStore } from './trial-store.ts';
import { trialTraining } from './trial-training.ts';
import { withRetry } from './with-retry.ts';

/** One trial to run, from one job. */
export interface TrialAttempt {
  trialId: string;
  /** No retry follows this attempt: a failure now is final. */
  lastAttempt: boolean;
  /** Aborted when the worker shuts down: the trial stops after its epoch and is given back. */
  handBack?: AbortSignal;
  /** This trial's own hooks, after the context's (its job's progress reports). */
  hooks?: TrialHooks[];
}

export interface LifecycleContext {
  store: TrialStore;
  logger: Logger;
  /** Hooks for every trial (live events). */
  hooks?: TrialHooks[];
  /** Enqueues a round that settling a sweep added (seed racing, sweep-advanced.ts); without it those trials wait for the reconciler. */
  onAdvanced?: OnSweepAdvanced;
  /**
   * Called after each trial is recorded and before its sweep's status settles: successive
   * halving adds its next rung here (halving/advance-halving.ts),
   * so the sweep never looks finished between two rounds.
   */
  advanceSweep?: (sweepId: string) => Promise<void>;
}

/** How a trial's job ends. */
export type TrialEnd =
  /** Recorded, or nothing to do (the trial is finished or cancelled): the job completes with `result`. */
  | { end: 'done'; result: TrialResult }
  /** The job fails with `error`: BullMQ retries it, or on the last attempt the trial is already recorded failed. */
  | { end: 'failed'; error: Error }
  /** Stopped at shutdown and queued again in Postgres: the job goes back to wait, attempts untouched. */
  | { end: 'handed-back' }
  /** Not in this database: no worker of this deployment can ever run the job. */
  | { end: 'unknown' };

/** Errors no retry can fix: the spec itself is wrong. */
export function isConfigError(err: unknown): boolean {
  const name = (err as { name?: string; code?: string })?.code ?? (err as Error)?.name ?? '';
  return ['LRS_INVALID_SCHEDULE', 'LRS_SCHEDULE_STEP', 'LRS_TRAINER_CONFIG', 'ScheduleError', 'ScheduleStepError', 'TrainerConfigError'].includes(name);
}

interface Running extends RunnerTrial {
  attempt: TrialAttempt;
  ref: TrialRef;
  hooks: TrialHooks[];
  abort: AbortController;
  cancelled: boolean;
  epochs: number;
}

async function callHooks(t: { hooks: TrialHooks[]; log: Logger }, call: (h: TrialHooks) => Promise<void> | void | undefined): Promise<void> {
  for (const hooks of t.hooks) {
    try {
      await call(hooks);
    } catch (err) {
      t.log.warn({ err: (err as Error).message }, 'trial hook failed');
    }
  }
}

/**
 * The life of a trial on a worker, written once for every runner: claims the trials in Postgres
 * (the source of truth), calls the hooks, has the runner train them together, records each
 * epoch as it ends (batched through the store) and stops a trial once it is cancelled or the
 * worker shuts down, then records each outcome, settles the sweeps' status, and decides between
 * a retry and a final failure. One trial is a list of one.
 */
export async function runTrials(attempts: TrialAttempt[], runner: TrialRunner, ctx: LifecycleContext): Promise<TrialEnd[]> {
  const { store } = ctx;
  const ends: TrialEnd[] = new Array(attempts.length);
  const claims = await Promise.all(attempts.map((a) => withRetry('claim', () => store.claim(a.trialId, runner.backend))));
  const running: Running[] = [];
  const slot: number[] = []; // running[k] answers for attempts[slot[k]]
  for (const [n, attempt] of attempts.entries()) {
    const claimed = claims[n]!;
    if (claimed === 'unknown') ends[n] = { end: 'unknown' };
    else if (claimed === 'finished') ends[n] = { end: 'done', result: { state: 'skipped', detail: 'trial is finished or cancelled' } };
    else {
      const t = begin(attempt, claimed, ctx);
      const refused = runner.refuse?.(claimed);
      if (refused) ends[n] = await record(t, { status: 'failed', error: new Error(refused), retryable: false }, runner, ctx, Date.now());
      else {
        running.push(t);
        slot.push(n);
      }
    }
  }
  if (running.length === 0) return ends;
  if (running.length > 1) {
    // Trials trained in one call are a pack: each says so, from the moment the pack starts.
    const packId = randomUUID();
    await withRetry('pack', () => store.recordPack(running.map((t) => t.ref.trialId), packId));
    for (const t of running) t.log = t.log.child({ packId });
  }

  for (const t of running) {
    if (runner.trainer) await withRetry('trainer', () => store.recordTrainer(t.ref.trialId, runner.trainer!));
    await callHooks(t, (h) => h.started?.({ ...t.ref, attempt: t.claimed.attempts, backend: runner.backend }));
  }
  const stopFor = (t: Running, reason: StopReason) => {
    // A cancellation heard after the shutdown still counts: the trial ends cancelled, not given back.
    if (reason === 'cancel') t.cancelled = true;
    if (!t.abort.signal.aborted) t.abort.abort(reason);
  };
  const onHandBack = running.map((t) => () => stopFor(t, 'shutdown'));
  running.forEach((t, k) => {
    if (t.attempt.handBack?.aborted) onHandBack[k]!();
    else t.attempt.handBack?.addEventListener('abort', onHandBack[k]!);
  });
  const poll = runner.pollCancelMs
    ? setInterval(() => {
        for (const t of running) if (!t.abort.signal.aborted) store.isCancelled(t.ref.trialId).then((c) => c && stopFor(t, 'cancel'), () => {});
      }, runner.pollCancelMs)
    : undefined;

  const io: RunnerIO = {
    async epoch(i, row, checkpoint) {
      const t = running[i]!;
      // Epoch, checkpoint and cancel check in one statement: a kill at any instant leaves the
      // epoch and the checkpoint to resume after it together, or neither.
      const retry = (attempt: number, err: Error) => t.log.warn({ attempt, err: err.message }, 'epoch: Postgres unreachable, retrying');
      const written = await withRetry('epoch', () => store.recordEpoch({ trialId: t.ref.trialId, row, checkpoint: checkpoint ?? null }), retry);
      if (written?.cancelled) stopFor(t, 'cancel');
      await callHooks(t, (h) => h.epoch?.(t.ref, row, t.epochs));
    },
    checkpoint: (i, checkpoint) => withRetry('checkpoint', () => store.saveCheckpoint(running[i]!.ref.trialId, checkpoint)),
    restart: (i) => withRetry('restart', () => store.dropProgress(running[i]!.ref.trialId)),
    storedEpochs: (i) => withRetry('epochs', () => store.listEpochs(running[i]!.ref.trialId)),
    async notes(i, { outputTail, lrMismatch }) {
      const id = running[i]!.ref.trialId;
      if (lrMismatch !== undefined) await withRetry('lr mismatch', () => store.flagLrMismatch(id, lrMismatch));
      if (outputTail !== undefined) await withRetry('output', () => store.saveOutputTail(id, outputTail));
    },
  };
  const started = Date.now();
  let outcomes: RunOutcome[];
  try {
    outcomes = await runner.run(running, io);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    outcomes = running.map(() => ({ status: 'failed', error, retryable: !isConfigError(err) }));
  } finally {
    clearInterval(poll);
    running.forEach((t, k) => t.attempt.handBack?.removeEventListener('abort', onHandBack[k]!));
  }
  await Promise.all(running.map(async (t, k) => (ends[slot[k]!] = await record(t, outcomes[k] ?? { status: 'stopped' }, runner, ctx, started))));
  return ends;
}

function begin(attempt: TrialAttempt, claimed: ClaimedTrial, ctx: LifecycleContext): Running {
  const abort = new AbortController();
  return {
    attempt,
    claimed,
    abort,
    cancelled: false,
    stop: abort.signal,
    ref: { sweepId: claimed.sweepId, trialId: claimed.id },
    log: ctx.logger.child({ sweepId: claimed.sweepId, trialId: claimed.id }),
    hooks: [...(ctx.hooks ?? []), ...(attempt.hooks ?? [])],
    epochs: trialTraining(claimed).task.epochs,
  };
}

/** Records one trial's outcome, settles its sweep and tells the hooks; decides retry or failure. */
async function record(t: Running, outcome: RunOutcome, runner: TrialRunner, ctx: LifecycleContext, started: number): Promise<TrialEnd> {
  const { store, onAdvanced } = ctx;
  const { trialId } = t.ref;
  const seconds = (Date.now() - started) / 1000;
  if (outcome.status === 'stopped' && t.stop.reason === 'shutdown' && !t.cancelled) {
    await withRetry('release', () => store.release(trialId));
    t.log.info({ epoch: outcome.epoch }, 'trial handed back at shutdown; it resumes from its checkpoint elsewhere');
    return { end: 'handed-back' };
  }
  if (outcome.status === 'failed' && outcome.retryable && !t.attempt.lastAttempt) {
    t.log.warn({ err: outcome.error.message }, 'trial attempt failed; it will be retried');
    return { end: 'failed', error: outcome.error };
  }
  let result: TrialResult;
  let finish: FinishTrialInput;
  if (outcome.status === 'completed') {
    const f = outcome.final;
    // The leaderboard ranks on the objective's last value: a named column or a script's own metric.
    const objective = metricOf(f, t.claimed.sweep.objectiveMetric) ?? null;
    result = { state: 'completed' };
    finish = { state: 'completed', finalTrainLoss: f.train_loss, finalValLoss: f.val_loss, finalValAcc: f.val_acc, objective, seconds };
  } else if (outcome.status === 'diverged') {
    result = { state: 'diverged', detail: outcome.reason };
    finish = { state: 'diverged', divergedEpoch: outcome.epoch, error: outcome.reason, seconds };
  } else if (outcome.status === 'stopped') {
    result = { state: 'cancelled' };
    finish = { state: 'cancelled', seconds };
  } else {
    t.log.error({ err: outcome.error.message }, 'trial failed');
    result = { state: 'failed', detail: outcome.error.message };
    finish = { state: 'failed', error: outcome.error.message, seconds };
  }
  await withRetry('finish', () => store.finish(trialId, finish));
  await runner.cleanUp?.(t.claimed, finish.state).catch((err: Error) => t.log.warn({ err: err.message }, 'trial clean-up failed'));
  if (ctx.advanceSweep) {
    await withRetry('advance sweep', () => ctx.advanceSweep!(t.ref.sweepId)).catch((err: Error) => t.log.error({ err: err.message }, 'advancing the sweep failed'));
  }
  const settled = await withRetry('sweep status', () => store.settle(t.ref.sweepId));
  // Before the hooks: the stream must hear of the new round before this trial's end is counted.
  if (settled?.advanced && onAdvanced) {
    const added = settled.advanced;
    await onAdvanced(t.claimed.sweep.spec as unknown as CreateSweepBody, t.ref.sweepId, added).catch((err: Error) =>
      t.log.warn({ err: err.message, trials: added.trialIds.length }, "the sweep's next round is queued in Postgres but not enqueued; the reconciler will"),
    );
  }
  await callHooks(t, (h) => h.finished?.(t.ref, result, settled?.status ?? null));
  t.log.info({ state: result.state, seconds }, 'trial finished');
  // A last attempt's failure worth a retry still fails its job, so BullMQ shows it failed.
  return outcome.status === 'failed' && outcome.retryable ? { end: 'failed', error: outcome.error } : { end: 'done', result };
}
