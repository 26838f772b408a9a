import { stepsPerEpoch, trialTask, type CreateSweepBody, type Task } from '@lrsweep/contracts';
import type { ClaimedTrial } from '@lrsweep/db';
import { rescaleSchedule, type ScheduleSpec } from '@lrsweep/trainer';

/**
 * What a claimed trial trains: its sweep's task with the trial's own lr (when the sweep
 * searches optimizer.lr, the trial's stored schedule carries it: trialTask) and its schedule;
 * for a rung of successive halving, the rung's length in epochs and the schedule compressed to
 * it (`rescale`, the default: a per-epoch schedule onto the rung's optimizer steps where the
 * task's steps per epoch are known, as rescaleSchedule says) or left as written and cut short
 * (`"rescale": false`). The API's submit check (plan-halving.ts) compresses alike. Both
 * runners and the lifecycle read a trial's task and schedule from here, so they cannot disagree.
 */
export function trialTraining(claimed: Pick<ClaimedTrial, 'schedule' | 'budgetEpochs' | 'sweep'>): { task: Task; schedule: ScheduleSpec } {
  const spec = claimed.sweep.spec as unknown as CreateSweepBody;
  const own = trialTask(spec.task, claimed.schedule as Record<string, unknown>);
  const schedule = own.schedule as unknown as ScheduleSpec;
  const budget = claimed.budgetEpochs;
  if (budget === null || budget === spec.task.epochs) return { task: own.task, schedule };
  const rescale = spec.early_stopping?.rescale ?? true;
  return {
    task: { ...own.task, epochs: budget },
    schedule: rescale ? rescaleSchedule(schedule, budget, spec.task.epochs, { stepsPerEpoch: stepsPerEpoch(own.task) }) : schedule,
  };
}
