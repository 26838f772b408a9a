import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Config, Logger } from '@lrsweep/config';
import { isExternalTask, type CreateSweepBody, type ExternalTask, type Metric } from '@lrsweep/contracts';
import {
  claimTrial,
  finishTrial,
  flagLrMismatch,
  isTrialCancelled,
  listEpochs,
  recordEpochWithCheckpoint,
  recordTrialTrainer,
  releaseTrial,
  saveCheckpoint,
  saveOutputTail,
  settleSweepStatus,
  type PrismaClient,
  type SweepStatus,
} from '@lrsweep/db';
import { LrCheck, naturalInterval, tabulateExpressions, type ScheduleSpec } from '@lrsweep/trainer';
import type { TrialHooks, TrialRef, TrialResult } from '../trial-hooks.ts';
import type { TrainerConfig, WorkerConfig } from '../worker-config.ts';
import { withRetry } from '../with-retry.ts';
import { formatOutput } from './output-tail.ts';
import { ScriptProcess, type ScriptExit, type ScriptMessage } from './script-process.ts';
import { scriptEnv } from './script-env.ts';

export interface ExternalTrialContext {
  db: PrismaClient;
  config: Readonly<Config>;
  logger: Logger;
  trainer: TrainerConfig;
  worker: WorkerConfig;
  /** The GPU this worker is pinned to: the script sees only it (CUDA_VISIBLE_DEVICES). */
  gpu?: number;
  progress: (value: { epoch: number; epochs: number }) => Promise<void>;
  hooks?: TrialHooks[];
  /** Aborted when the worker shuts down: the script is stopped and the trial given back. */
  handBack?: AbortSignal;
}

/** runExternalTrial's result for a trial given back at shutdown; its job goes back to wait. */
export const EXTERNAL_HANDED_BACK = { state: 'skipped', detail: 'handed back at shutdown' } as const satisfies TrialResult;

/** The retried-trial checkpoint as stored in Trial.checkpoint. */
interface ExternalCheckpoint {
  format: 'external';
  epoch: number;
  path: string;
}

type Row = Extract<ScriptMessage, { type: 'report' }>;

/** A failure worth a retry (the script crashed); its message carries the stderr tail. */
export class ScriptFailed extends Error {}

const CANCEL_POLL_MS = 1_000;

/**
 * Trains one trial by running the trainer's script: claims it in Postgres, hands the script
 * the trial on its channel, writes each reported epoch exactly as built-in trials are written,
 * and records the outcome. Throws ScriptFailed for a crash worth retrying.
 */
export async function runExternalTrial(trialId: string, ctx: ExternalTrialContext, lastAttempt: boolean): Promise<TrialResult> {
  const { db, trainer } = ctx;
  const claimed = await withRetry('claim', () => claimTrial(db, trialId, { worker: ctx.config.workerName, backend: 'external' }));
  if (!claimed) return { state: 'skipped', detail: 'trial is finished, cancelled or unknown' };
  const log = ctx.logger.child({ sweepId: claimed.sweepId, trialId, trainer: trainer.name });
  const ref: TrialRef = { sweepId: claimed.sweepId, trialId };
  const hooks = async (call: (h: TrialHooks) => Promise<void> | void | undefined) => {
    for (const h of ctx.hooks ?? []) await Promise.resolve(call(h)).catch((err: Error) => log.warn({ err: err.message }, 'trial hook failed'));
  };
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const end = async (result: TrialResult, finish: Parameters<typeof finishTrial>[2] | null): Promise<TrialResult> => {
    if (finish) await withRetry('finish', () => finishTrial(db, trialId, { ...finish, seconds: seconds() }));
    const status: SweepStatus | null = await withRetry('sweep status', () => settleSweepStatus(db, claimed.sweepId));
    await hooks((h) => h.finished?.(ref, result, status));
    log.info({ state: result.state, seconds: seconds() }, 'trial finished');
    return result;
  };

  const spec = claimed.sweep.spec as unknown as CreateSweepBody;
  const objective = claimed.sweep.objectiveMetric as Metric;
  if (!isExternalTask(spec.task) || spec.task.trainer !== trainer.name) {
    // A job in the wrong queue (written by hand or by an older version): no retry can fix it.
    return end({ state: 'failed', detail: 'misrouted' }, { state: 'failed', error: `trial is not for trainer '${trainer.name}'` });
  }
  const task: ExternalTask = spec.task;
  await withRetry('trainer', () => recordTrialTrainer(db, trialId, trainer.name));
  await hooks((h) => h.started?.({ ...ref, attempt: claimed.attempts, backend: 'external' }));

  const dir = path.join(ctx.worker.checkpointDir, trialId);
  await mkdir(dir, { recursive: true });
  const saved = claimed.checkpoint as unknown as ExternalCheckpoint | null;
  const resume = saved?.format === 'external' && existsSync(saved.path) ? saved : null;
  if (resume) log.info({ fromEpoch: resume.epoch + 1 }, 'resuming from checkpoint');

  const schedule = claimed.schedule as unknown as ScheduleSpec;
  let stepsPerEpoch = task.stepsPerEpoch;
  const lrCheck = new LrCheck(schedule, task.optimizer, task.epochs);
  // A resumed trial's expected lrs replay the epochs before the resume (a ReduceLROnPlateau's depend on their metrics).
  const earlier = resume ? (await listEpochs(db, trialId)).filter((e) => e.epoch <= resume.epoch) : [];
  // An expression is tabulated for every step index its scheduler can reach.
  const perStep = (schedule.interval ?? naturalInterval(schedule)) === 'step';
  const tableLength = Math.min(1_000_000, task.epochs * (perStep ? (stepsPerEpoch ?? 1_000) : 1) + 2);

  let last: Row | null = null;
  let diverged: Row | null = null;
  let mismatch = false;
  let script!: ScriptProcess;
  const handle = async (m: ScriptMessage): Promise<void> => {
    if (m.type === 'schedule') {
      stepsPerEpoch ??= m.steps_per_epoch ?? undefined;
      return;
    }
    if (m.type === 'checkpoint') {
      // Only a file in this trial's own directory is handed back on a retry.
      if (path.dirname(path.resolve(m.path)) !== dir) return void log.warn({ path: m.path }, 'checkpoint outside the trial directory ignored');
      const checkpoint: ExternalCheckpoint = { format: 'external', epoch: m.epoch, path: path.resolve(m.path) };
      await withRetry('checkpoint', () => saveCheckpoint(db, trialId, checkpoint as never));
      return;
    }
    if (![m.train_loss, m.val_loss].every(Number.isFinite)) {
      diverged ??= m;
      script.stop('diverged');
      return;
    }
    if (m.epoch >= task.epochs) return void log.warn({ epoch: m.epoch }, 'epoch beyond task.epochs ignored');
    const row = { epoch: m.epoch, lr: m.lr, trainLoss: m.train_loss, valLoss: m.val_loss, valAcc: m.val_acc, seconds: m.seconds };
    const written = await withRetry('epoch', () => recordEpochWithCheckpoint(db, trialId, row, null));
    if (written?.cancelled) script.stop('cancel');
    if (!last || m.epoch >= last.epoch) last = m;
    for (const e of earlier.splice(0)) lrCheck.check(e.epoch, e.lr, metricOf(e, objective), stepsPerEpoch);
    const note = mismatch ? null : lrCheck.check(m.epoch, m.lr, metricOf(m, objective), stepsPerEpoch);
    if (note) {
      mismatch = true;
      log.warn({ note }, 'lr differs from the schedule');
      await withRetry('lr mismatch', () => flagLrMismatch(db, trialId, note));
    }
    await withRetry('output', () => saveOutputTail(db, trialId, formatOutput(script.stdout, script.stderr)));
    await ctx.progress({ epoch: m.epoch + 1, epochs: task.epochs }).catch(() => {});
    await hooks((h) => h.epoch?.(ref, { epoch: m.epoch, lr: m.lr, train_loss: m.train_loss, val_loss: m.val_loss, val_acc: m.val_acc, seconds: m.seconds }, task.epochs));
  };

  let chain = Promise.resolve();
  let handleError: Error | null = null;
  script = new ScriptProcess(trainer.argv, { cwd: trainer.cwd, env: scriptEnv(trainer, ctx.gpu), killGraceMs: ctx.worker.killGraceMs }, (m) => {
    chain = chain.then(() => handle(m)).catch((err: Error) => {
      handleError ??= err; // Postgres gone for good: stop, and let the job be retried
      script.stop('shutdown');
    });
  });
  script.send({
    type: 'init',
    trial: {
      id: trialId,
      sweep_id: claimed.sweepId,
      seed: claimed.seed,
      epochs: task.epochs,
      args: task.args ?? {},
      optimizer: task.optimizer,
      schedule: tabulateExpressions(schedule, tableLength),
      objective: { metric: objective, mode: claimed.sweep.objectiveMode },
      steps_per_epoch: task.stepsPerEpoch ?? null,
      checkpoint_dir: dir,
      resume: resume ? { epoch: resume.epoch, path: resume.path } : null,
    },
  });

  const timeout = task.timeoutSeconds ? setTimeout(() => script.stop('timeout'), task.timeoutSeconds * 1000) : undefined;
  const poll = setInterval(() => {
    isTrialCancelled(db, trialId).then((c) => c && script.stop('cancel'), () => {});
  }, CANCEL_POLL_MS);
  const onHandBack = () => script.stop('shutdown');
  ctx.handBack?.addEventListener('abort', onHandBack);
  let exit: ScriptExit;
  try {
    exit = await script.exited;
    await chain;
  } finally {
    clearTimeout(timeout);
    clearInterval(poll);
    ctx.handBack?.removeEventListener('abort', onHandBack);
  }
  const output = formatOutput(script.stdout, script.stderr);
  await withRetry('output', () => saveOutputTail(db, trialId, output));
  const cleanUp = () => rm(dir, { recursive: true, force: true }).catch(() => {});

  if (handleError) throw handleError;
  if (exit.stoppedFor === 'shutdown') {
    await withRetry('release', () => releaseTrial(db, trialId));
    log.info('trial handed back at shutdown; it resumes from its checkpoint elsewhere');
    return EXTERNAL_HANDED_BACK;
  }
  const d = diverged as Row | null;
  if (d) {
    const reason = `non-finite loss at epoch ${d.epoch} (train_loss ${d.train_loss}, val_loss ${d.val_loss})`;
    await cleanUp();
    return end({ state: 'diverged', detail: reason }, { state: 'diverged', divergedEpoch: d.epoch, error: reason });
  }
  if (exit.stoppedFor === 'cancel') {
    await cleanUp();
    return end({ state: 'cancelled' }, { state: 'cancelled' });
  }
  const tail = script.stderr.toString().slice(-1_500);
  if (exit.stoppedFor === 'timeout') {
    // A hang is the script's own; another attempt would hang as long again.
    const error = `killed after task.timeoutSeconds = ${task.timeoutSeconds} s\nstderr:\n${tail}`;
    await cleanUp();
    return end({ state: 'failed', detail: error }, { state: 'failed', error });
  }
  // A script resumed after its last epoch was checkpointed has nothing left to report.
  const f = (last as Row | null) ?? (exit.code === 0 && resume ? await lastStoredRow(db, trialId) : null);
  if (exit.code === 0 && f) {
    await cleanUp();
    return end(
      { state: 'completed' },
      { state: 'completed', finalTrainLoss: f.train_loss, finalValLoss: f.val_loss, finalValAcc: f.val_acc, objective: metricOf(f, objective) },
    );
  }
  const how = exit.code === 0 ? 'exited without reporting an epoch (does it call trial.report?)' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const error = `the script ${how}\nstderr:\n${tail}`;
  if (lastAttempt || exit.code === 0) {
    log.error({ err: error }, 'trial failed');
    await cleanUp();
    return end({ state: 'failed', detail: error }, { state: 'failed', error });
  }
  log.warn({ err: error }, 'trial attempt failed; it will be retried');
  throw new ScriptFailed(error);
}

function metricOf(row: { train_loss?: number; val_loss?: number; val_acc?: number; trainLoss?: number; valLoss?: number; valAcc?: number }, metric: Metric): number {
  const v = metric === 'val_acc' ? (row.val_acc ?? row.valAcc) : metric === 'train_loss' ? (row.train_loss ?? row.trainLoss) : (row.val_loss ?? row.valLoss);
  return v ?? NaN;
}

async function lastStoredRow(db: PrismaClient, trialId: string): Promise<Row | null> {
  const e = (await withRetry('epochs', () => listEpochs(db, trialId))).at(-1);
  return e ? { type: 'report', epoch: e.epoch, lr: e.lr, train_loss: e.trainLoss, val_loss: e.valLoss, val_acc: e.valAcc, seconds: e.seconds } : null;
}
