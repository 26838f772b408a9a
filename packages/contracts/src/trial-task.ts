import { isExternalTask, type SweepTask, type Task } from './task.schema.ts';

/**
 * When a sweep searches `task.optimizer.lr`, the lr is part of each trial's configuration: the
 * trial's stored schedule carries it under this key, so its scheduleKey (what the leaderboard
 * groups by and an extension deduplicates by) and its view include it. No scheduler has a
 * parameter of this name, and a schedule entry that writes one is refused at planning.
 */
export const TRIAL_LR_KEY = 'lr';

/**
 * What one trial trains: the sweep's task with the trial's own lr, and the schedule without it,
 * as the trainer and a script expect them.
 */
export function trialTask(task: SweepTask, stored: Record<string, unknown>): { task: Task; schedule: Record<string, unknown> } {
  const { [TRIAL_LR_KEY]: lr, ...schedule } = stored;
  if (lr === undefined) {
    if (typeof task.optimizer.lr !== 'number') throw new Error('the sweep searches optimizer.lr but the trial carries no lr');
    return { task: task as Task, schedule };
  }
  if (typeof lr !== 'number' || !(lr > 0)) throw new Error(`the trial's lr ${JSON.stringify(lr)} is not a positive number`);
  const optimizer = { ...task.optimizer, lr };
  return { task: (isExternalTask(task) ? { ...task, optimizer } : { ...task, optimizer }) as Task, schedule };
}
