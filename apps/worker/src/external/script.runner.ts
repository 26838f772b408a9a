import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isExternalTask, metricOf, metricsOf, type CreateSweepBody, type EpochRow, type ExternalTask } from '@lrsweep/contracts';
import { LrCheck, naturalInterval, tabulateExpressions } from '@lrsweep/trainer';
import type { RunnerIO, RunnerTrial, RunOutcome, StopReason, TrialRunner } from '../trial-runner.ts';
import type { TrainerConfig, WorkerConfig } from '../worker-config.ts';
import { removeCheckpointsBefore } from './checkpoint-files.ts';
import { formatOutput } from './output-tail.ts';
import type { ScriptPool } from './script-pool.ts';
import type { ScriptExit, ScriptMessage, ScriptRun } from './script-process.ts';
import { judgeReport } from './script-report.ts';
import { trialTraining } from '../trial-training.ts';

/** The retried-trial checkpoint as stored in Trial.checkpoint. */
interface ExternalCheckpoint {
  format: 'external';
  epoch: number;
  path: string;
}

/** How long a reported row waits for its checkpoint message before it is written alone. */
const PENDING_ROW_MS = 100;

/** How often a running trial's output tail is saved (it is saved whole when the script ends). */
const OUTPUT_TAIL_EVERY_MS = 2_000;

/** A failure worth a retry (the script crashed); its message carries the stderr tail. */
export class ScriptFailed extends Error {}

/**
 * A trainer's script as a runner: each trial runs in a process from the trainer's pool (a warm
 * one, or one of its own: script-pool.ts), handed the trial on its channel; each
 * reported epoch goes to the lifecycle exactly as a built-in trial's. The script's own concerns
 * stay here: its checkpoint files, the lr check against the spec, its output tail, its timeout.
 */
export function createScriptRunner(trainer: TrainerConfig, worker: WorkerConfig, pool: ScriptPool): TrialRunner {
  const dirOf = (trialId: string) => path.join(worker.checkpointDir, trialId);
  return {
    backend: 'external',
    trainer: trainer.name,
    // A script stops mid-epoch, so a cancellation reaches it within a second.
    pollCancelMs: 1_000,
    refuse(trial) {
      const task = (trial.sweep.spec as unknown as CreateSweepBody).task;
      // A job in the wrong queue (written by hand or by an older version): no retry can fix it.
      return isExternalTask(task) && task.trainer === trainer.name ? null : `trial is not for trainer '${trainer.name}'`;
    },
    run: (trials, io) => Promise.all(trials.map((t, i) => runScript(t, i, io, { pool, dir: dirOf(t.claimed.id) }))),
    async cleanUp(trial) {
      await rm(dirOf(trial.id), { recursive: true, force: true });
    },
  };
}

async function runScript(
  t: RunnerTrial,
  i: number,
  io: RunnerIO,
  { pool, dir }: { pool: ScriptPool; dir: string },
): Promise<RunOutcome> {
  const { claimed, log } = t;
  // The trial's own lr when the sweep searches it; a rung of successive halving trains fewer
  // epochs, its schedule compressed to them.
  const training = trialTraining(claimed);
  const task = training.task as ExternalTask;
  const objective = claimed.sweep.objectiveMetric;
  // ReduceLROnPlateau is stepped with the objective; an epoch without it steps with NaN (a bad epoch), as the check must replay something.
  const objectiveOf = (row: EpochRow) => metricOf(row, objective) ?? NaN;
  await mkdir(dir, { recursive: true });
  const saved = claimed.checkpoint as unknown as ExternalCheckpoint | null;
  const resume = saved?.format === 'external' && existsSync(saved.path) ? saved : null;
  if (resume) log.info({ fromEpoch: resume.epoch + 1 }, 'resuming from checkpoint');

  const schedule = training.schedule;
  let stepsPerEpoch = task.stepsPerEpoch;
  const lrCheck = new LrCheck(schedule, task.optimizer, task.epochs);
  // A resumed trial's expected lrs replay the epochs before the resume (a ReduceLROnPlateau's depend on their metrics).
  const stored = resume ? await io.storedEpochs(i) : [];
  const earlier = stored.filter((e) => e.epoch <= resume!.epoch);
  // An expression is tabulated for every step index its scheduler can reach.
  const perStep = (schedule.interval ?? naturalInterval(schedule)) === 'step';
  const tableLength = Math.min(1_000_000, task.epochs * (perStep ? (stepsPerEpoch ?? 1_000) : 1) + 2);

  let last: EpochRow | null = null;
  let diverged: { epoch: number; reason: string } | null = null;
  let badReport: string | null = null;
  // Every metric name the script reported, for the message when the objective is not among them.
  const reported = new Set<string>();
  let mismatch = false;
  let script!: ScriptRun;
  let tailWrittenAt = 0;
  const output = () => formatOutput(script.stdout, script.stderr);
  // A reported row waits for the checkpoint message the script sends right after it, so the
  // row and its checkpoint pointer are written in one statement, as a built-in trial's are
  // (one Postgres write an epoch, not two). A row no checkpoint follows is written at the next
  // message, at exit, or after PENDING_ROW_MS, whichever comes first.
  let pending: EpochRow | null = null;
  let pendingTimer: NodeJS.Timeout | undefined;
  const writeRow = async (checkpoint?: ExternalCheckpoint): Promise<void> => {
    clearTimeout(pendingTimer);
    const row = pending;
    pending = null;
    if (row) await io.epoch(i, row, checkpoint as never);
  };
  const handle = async (m: ScriptMessage): Promise<void> => {
    if (m.type !== 'checkpoint') await writeRow();
    if (m.type === 'schedule') {
      stepsPerEpoch ??= m.steps_per_epoch ?? undefined;
      return;
    }
    if (m.type === 'checkpoint') {
      // Only a file in this trial's own directory is handed back on a retry.
      if (path.dirname(path.resolve(m.path)) !== dir) return void log.warn({ path: m.path }, 'checkpoint outside the trial directory ignored');
      // The pointer never runs ahead of the rows: a resume starts after it, so an epoch it covered without a row would never be written.
      const recordedThrough = Math.max(last?.epoch ?? -1, resume?.epoch ?? -1);
      if (m.epoch > recordedThrough) return void log.warn({ epoch: m.epoch, recordedThrough }, 'checkpoint of an unrecorded epoch ignored');
      const checkpoint: ExternalCheckpoint = { format: 'external', epoch: m.epoch, path: path.resolve(m.path) };
      if (pending?.epoch === m.epoch) await writeRow(checkpoint);
      else {
        await writeRow();
        await io.checkpoint(i, checkpoint as never);
      }
      // Only now may the older files go: until this commit, a resume restores from the previous one.
      return removeCheckpointsBefore(dir, m.epoch).catch((err: Error) => log.warn({ err: err.message }, 'old checkpoint files not removed'));
    }
    // The trial's outcome is decided: what the script reports before it stops is not kept.
    if (diverged || badReport) return;
    if (m.type === 'bad-report') {
      badReport ??= m.error;
      script.stop('bad-report');
      return;
    }
    const judged = judgeReport(m, objective);
    if ('diverged' in judged) {
      diverged ??= { epoch: m.epoch, reason: judged.diverged };
      script.stop('diverged');
      return;
    }
    if ('bad' in judged) {
      badReport ??= judged.bad;
      script.stop('bad-report');
      return;
    }
    if (m.epoch >= task.epochs) return void log.warn({ epoch: m.epoch }, 'epoch beyond task.epochs ignored');
    const { row } = judged;
    for (const name of Object.keys(metricsOf(row))) reported.add(name);
    pending = row;
    pendingTimer = setTimeout(() => serially(() => writeRow()), PENDING_ROW_MS);
    if (!last || row.epoch >= last.epoch) last = row;
    for (const e of earlier.splice(0)) lrCheck.check(e.epoch, e.lr, objectiveOf(e), stepsPerEpoch);
    const note = mismatch ? null : lrCheck.check(row.epoch, row.lr, objectiveOf(row), stepsPerEpoch);
    if (note) {
      mismatch = true;
      log.warn({ note }, 'lr differs from the schedule');
    }
    // The output tail is for people watching a running trial: every couple of seconds is
    // enough, and writing it after every epoch of a fast model cost the trials CPU. The whole
    // tail is written when the script ends.
    const now = Date.now();
    if (note || now - tailWrittenAt >= OUTPUT_TAIL_EVERY_MS) {
      tailWrittenAt = now;
      await io.notes(i, { outputTail: output(), ...(note ? { lrMismatch: note } : {}) });
    }
  };

  // The script's messages, and the writes of rows no checkpoint followed, run one at a time.
  let chain = Promise.resolve();
  let handleError: Error | null = null;
  function serially(work: () => Promise<void>): void {
    chain = chain.then(work).catch((err: Error) => {
      handleError ??= err; // Postgres gone for good: stop, and let the job be retried
      script.stop('shutdown');
    });
  }
  script = pool.start((m) => serially(() => handle(m)));
  script.send({
    type: 'init',
    trial: {
      id: claimed.id,
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
  const onStop = () => script.stop(t.stop.reason as StopReason);
  if (t.stop.aborted) onStop();
  else t.stop.addEventListener('abort', onStop);
  let exit: ScriptExit;
  try {
    exit = await script.exited;
    serially(() => writeRow());
    await chain;
  } finally {
    clearTimeout(timeout);
    clearTimeout(pendingTimer);
    t.stop.removeEventListener('abort', onStop);
  }
  await io.notes(i, { outputTail: output() });

  if (handleError) return { status: 'failed', error: handleError, retryable: true };
  if (exit.stoppedFor === 'shutdown' || exit.stoppedFor === 'cancel') return { status: 'stopped' };
  const d = diverged as { epoch: number; reason: string } | null;
  if (d) return { status: 'diverged', epoch: d.epoch, reason: d.reason };
  // The script would send the same report again: no retry.
  const tail = script.stderr.toString().slice(-1_500);
  if (badReport) return { status: 'failed', error: new Error(tail ? `${badReport}\nstderr:\n${tail}` : badReport), retryable: false };
  if (exit.stoppedFor === 'timeout') {
    // A hang is the script's own; another attempt would hang as long again.
    return { status: 'failed', error: new Error(`killed after task.timeoutSeconds = ${task.timeoutSeconds} s\nstderr:\n${tail}`), retryable: false };
  }
  // A script resumed after its last epoch was checkpointed has nothing left to report.
  const final = (last as EpochRow | null) ?? (exit.code === 0 && resume ? (stored.at(-1) ?? null) : null);
  if (exit.code === 0 && final) {
    if (metricOf(final, objective) !== undefined) return { status: 'completed', final };
    // The leaderboard ranks on the objective's last value: a trial without one has nothing to rank.
    for (const e of stored) for (const name of Object.keys(metricsOf(e))) reported.add(name);
    const names = reported.size > 0 ? [...reported].join(', ') : 'none';
    const where = reported.has(objective) ? `its last epoch (${final.epoch}) did not report` : 'never reported';
    return { status: 'failed', error: new Error(`the script ${where} the objective metric ${objective} (metrics it reported: ${names})`), retryable: false };
  }
  const how = exit.code === 0 ? 'exited without reporting an epoch (does it call trial.report?)' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  // A script that exits 0 without an epoch would do so again.
  return { status: 'failed', error: new ScriptFailed(`the script ${how}\nstderr:\n${tail}`), retryable: exit.code !== 0 };
}
