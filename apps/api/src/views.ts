import { rungEpochs, type CreateSweepBody } from '@lrsweep/contracts';
import type { EpochView, HalvingSummary, Leaderboard, SweepView, TrialView } from '@lrsweep/db';
import { describeSchedule } from '@lrsweep/schedules';

// Database rows -> the API's JSON: snake_case metric names as in PyTorch scripts, ISO dates.

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function sweepView(sweep: SweepView) {
  return {
    id: sweep.id,
    name: sweep.name,
    status: sweep.status,
    trials: sweep.trials,
    progress: sweep.progress,
    objective: { metric: sweep.objectiveMetric, mode: sweep.objectiveMode },
    createdAt: sweep.createdAt.toISOString(),
    startedAt: iso(sweep.startedAt),
    finishedAt: iso(sweep.finishedAt),
  };
}

export function trialView(trial: TrialView) {
  return {
    id: trial.id,
    sweepId: trial.sweepId,
    index: trial.index,
    state: trial.state,
    schedule: trial.schedule as Record<string, unknown>,
    pytorch: describeSchedule(trial.schedule as Record<string, unknown>),
    seed: trial.seed,
    metrics: { val_loss: trial.finalValLoss, val_acc: trial.finalValAcc, train_loss: trial.finalTrainLoss },
    objective: trial.objective,
    epochsDone: trial.epochsDone,
    attempts: trial.attempts,
    worker: trial.worker,
    backend: trial.backend,
    seconds: trial.seconds,
    error: trial.error,
    divergedEpoch: trial.divergedEpoch,
    rung: trial.rung,
    budgetEpochs: trial.budgetEpochs,
    stopReason: trial.stopReason,
    pack: trial.packId ? { id: trial.packId, size: trial.packSize ?? 1 } : null,
    trainer: trial.trainer,
    lrMismatch: trial.lrMismatch,
    reason: trial.reason,
  };
}

export function epochView(e: EpochView) {
  return { epoch: e.epoch, lr: e.lr, train_loss: e.train_loss, val_loss: e.val_loss, val_acc: e.val_acc, ...(e.metrics ? { metrics: e.metrics } : {}), seconds: e.seconds };
}

export function trialDetailView(trial: TrialView & { epochs: EpochView[] }) {
  return { ...trialView(trial), epochs: trial.epochs.map(epochView), outputTail: trial.outputTail };
}

export function leaderboardView(board: Leaderboard) {
  return { ...board, entries: board.entries.map((e) => ({ ...e, schedule: e.schedule as Record<string, unknown>, pytorch: describeSchedule(e.schedule as Record<string, unknown>) })) };
}

/** A halving sweep's rungs with their lengths, and its epochs beside the full grid's. */
export function halvingView(spec: CreateSweepBody, summary: HalvingSummary | null) {
  if (!summary || !spec.early_stopping) return undefined;
  const lengths = rungEpochs(spec.early_stopping, spec.task.epochs);
  return {
    rungs: summary.rungs.map((r) => ({ ...r, epochs: lengths[r.rung] ?? spec.task.epochs })),
    epochsSpent: summary.epochsSpent,
    gridEpochs: summary.configurations * summary.seeds * spec.task.epochs,
  };
}
