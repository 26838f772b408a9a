import { isExternalTask, stepsPerEpoch as stepsPerEpochOf, taskRuleIssues, type CreateSweepBody, type Issue, type Objective } from '@lrsweep/contracts';
import { planFirstRung } from './plan-halving.ts';
import {
  createScheduler,
  expandEntry,
  gridOf,
  naturalInterval,
  scheduleKey as keyOf,
  validateSchedule,
  ScheduleError,
  ScheduleStepError,
  type ScheduleSpec,
} from '@lrsweep/schedules';

export interface PlannedTrial {
  index: number;
  schedule: Record<string, unknown>;
  /** The canonical form's key (see @lrsweep/schedules' scheduleKey): one per configuration. */
  scheduleKey: string;
  seed: number;
  /** The request's schedule entry it comes from, e.g. `/schedules/1`. */
  path: string;
  /** The same with the grid values chosen, e.g. `/schedules/1 (grid values /schedules/1/gamma/values/0)`. */
  source: string;
  /** Successive halving: the rung (0 first) and its length in epochs (plan-halving.ts). */
  rung?: number;
  budgetEpochs?: number;
}

export interface SweepPlan {
  objective: Objective;
  trials: PlannedTrial[];
}

export const DEFAULT_OBJECTIVE: Objective = { metric: 'val_loss', mode: 'min' };

export function seedList(seeds: CreateSweepBody['seeds']): number[] {
  if (seeds === undefined) return [0];
  return typeof seeds === 'number' ? Array.from({ length: seeds }, (_, i) => i) : seeds;
}

/**
 * Scheduler steps all dry runs of one request may take together, about a second of CPU: a
 * request must not hold the event loop for a minute (1000 epochs x 10^6 steps is 48 s). Past
 * it, schedules are checked by construction only, and one that fails mid-training fails its
 * trials then, as it would without the dry run.
 */
const DRY_RUN_STEP_BUDGET = 20_000_000;
/** Each trial indexes its schedule's canonical JSON (scheduleKey); Postgres refuses index entries over ~8 KB. */
const MAX_SCHEDULE_JSON_BYTES = 4096;

/**
 * Runs a concrete schedule for the whole training length the task implies, so errors that
 * PyTorch would raise mid-training (OneCycleLR stepped past total_steps) are refused at submit
 * time instead of failing every trial an hour later.
 */
function dryRun(schedule: ScheduleSpec, body: CreateSweepBody, budget: { steps: number }): string | null {
  // A script's loader length is known only when the sweep states it (task.stepsPerEpoch).
  const stepsPerEpoch = stepsPerEpochOf(body.task);
  try {
    const scheduler = createScheduler(schedule, body.task.optimizer);
    if (scheduler.interval === 'step' && stepsPerEpoch === undefined) return null;
    const steps = scheduler.interval === 'step' ? body.task.epochs * stepsPerEpoch! : body.task.epochs;
    if (steps > budget.steps) return null;
    budget.steps -= steps;
    for (let i = 0; i < steps; i++) scheduler.step(1);
    return null;
  } catch (err) {
    if (err instanceof ScheduleError || err instanceof ScheduleStepError) {
      const unit = naturalInterval(schedule) === 'step' ? `${stepsPerEpoch} steps per epoch` : 'one step per epoch';
      return `${err.reason} (training runs ${body.task.epochs} epochs at ${unit})`;
    }
    throw err;
  }
}

function plateauMismatch(schedule: Record<string, unknown>, objective: Objective): Issue | null {
  if (schedule.type !== 'ReduceLROnPlateau') return null;
  const mode = (schedule.mode as string | undefined) ?? 'min';
  if (mode === objective.mode) return null;
  return {
    path: '/mode',
    message: `ReduceLROnPlateau monitors the objective ${objective.metric} (${objective.mode}); mode '${mode}' would reduce the lr at the wrong time: set "mode": "${objective.mode}"`,
  };
}

/**
 * Expands a validated request body into trials, or returns every problem found, each named by
 * JSON pointer. The trial count is checked before anything is materialised, so an enormous
 * grid costs nothing.
 */
export function planSweep(body: CreateSweepBody, maxTrials: number): { plan: SweepPlan } | { issues: Issue[] } {
  const objective = body.objective ?? DEFAULT_OBJECTIVE;
  const seeds = seedList(body.seeds);
  // What the schema cannot say about a built-in task (a CNN deeper than its images allow): the
  // trainer checks the same rules, so a task it would refuse is refused here instead.
  const issues: Issue[] = isExternalTask(body.task) ? [] : taskRuleIssues(body.task).map((i) => ({ path: `/task${i.path}`, message: i.message }));
  const grids = body.schedules.map((entry, i) => {
    const { grid, issues: gridIssues } = gridOf(entry, `/schedules/${i}`);
    issues.push(...gridIssues);
    return grid;
  });
  const total = grids.reduce((n, g) => n + g.size, 0) * seeds.length;
  if (total > maxTrials) {
    return { issues: [{ path: '/schedules', message: `the grid expands to ${total} trials (schedules x axes x seeds); the limit is ${maxTrials}` }] };
  }
  if (issues.length > 0) return { issues };

  const trials: PlannedTrial[] = [];
  // Canonical key -> where it was first met: a grid that reaches one configuration twice is refused.
  const checked = new Map<string, string>();
  const seen = new Set<string>();
  const budget = { steps: DRY_RUN_STEP_BUDGET };
  body.schedules.forEach((entry, i) => {
    const at = `/schedules/${i}`;
    for (const { schedule, choices } of expandEntry(entry, grids[i]!, at)) {
      const scheduleKey = keyOf(schedule as ScheduleSpec);
      const where = choices.length ? ` (grid values ${choices.join(', ')})` : '';
      const source = at + where;
      const first = checked.get(scheduleKey);
      if (first !== undefined) {
        issues.push({ path: at, message: `${source} is the same configuration as ${first} once PyTorch's defaults are filled in; each configuration may appear once` });
      } else {
        checked.set(scheduleKey, source);
        const bytes = Buffer.byteLength(scheduleKey);
        const found: Issue[] =
          bytes > MAX_SCHEDULE_JSON_BYTES
            ? [{ path: '', message: `the schedule is ${bytes} bytes as JSON; the limit is ${MAX_SCHEDULE_JSON_BYTES}` }]
            : validateSchedule(schedule, body.task.optimizer);
        const mismatch = plateauMismatch(schedule, objective);
        if (mismatch) found.push(mismatch);
        if (found.length === 0) {
          const failure = dryRun(schedule as ScheduleSpec, body, budget);
          if (failure) found.push({ path: '', message: failure });
        }
        for (const issue of found) {
          const message = issue.message + where;
          if (!seen.has(at + issue.path + message)) {
            seen.add(at + issue.path + message);
            issues.push({ path: at + issue.path, message });
          }
        }
      }
      for (const seed of seeds) trials.push({ index: trials.length, schedule, scheduleKey, seed, path: at, source });
    }
  });
  return issues.length > 0 ? { issues } : planFirstRung(body, { objective, trials }, maxTrials);
}
