import { METRICS, MAX_SEEDS, isBuiltinMetric, isExternalTask, metricNameIssue, stepsPerEpoch as stepsPerEpochOf, taskRuleIssues, TRIAL_LR_KEY, type CreateSweepBody, type Issue, type Objective } from '@lrsweep/contracts';
import { planFirstRung } from './plan-halving.ts';
import {
  createScheduler,
  naturalInterval,
  scheduleKey as keyOf,
  validateSchedule,
  ScheduleError,
  ScheduleStepError,
  type OptimizerSpec,
  type ScheduleSpec,
} from '@lrsweep/schedules';
import { configurationsOf, searchOf, type Configuration } from './search-plan.ts';

export interface PlannedTrial {
  index: number;
  schedule: Record<string, unknown>;
  /** The canonical form's key (see @lrsweep/schedules' scheduleKey): one per configuration. */
  scheduleKey: string;
  seed: number;
  /** The request's schedule entry it comes from, e.g. `/schedules/1`. */
  path: string;
  /**
   * The same with the values chosen, e.g. `/schedules/1 (grid values /schedules/1/gamma/values/0)`
   * or `/schedules/1 (drawn /schedules/1/gamma = 0.31)`.
   */
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

/** The seeds every schedule runs from the start: a race's first `min`. */
export function seedList(seeds: CreateSweepBody['seeds']): number[] {
  if (seeds === undefined) return [0];
  if (typeof seeds === 'number') return Array.from({ length: seeds }, (_, i) => i);
  return Array.isArray(seeds) ? seeds : Array.from({ length: seeds.min }, (_, i) => i);
}

/**
 * A seed race's bounds, and its worst case (every schedule tied to the end, `max` seeds each)
 * against the trial limit, checked before anything is written: a race must not hit the limit
 * halfway through.
 */
function raceIssues(seeds: CreateSweepBody['seeds'], configurations: number, maxTrials: number): Issue[] {
  if (seeds === undefined || typeof seeds === 'number' || Array.isArray(seeds)) return [];
  const { min, max } = seeds;
  if (min < 2) return [{ path: '/seeds/min', message: `a seed race runs at least 2 seeds per schedule before judging (one seed has no interval); got ${min}` }];
  if (max > MAX_SEEDS) return [{ path: '/seeds/max', message: `at most ${MAX_SEEDS} seeds per schedule; got ${max}` }];
  if (min > max) return [{ path: '/seeds/min', message: `min (${min}) is above max (${max})` }];
  const worst = configurations * max;
  if (worst > maxTrials) {
    return [{ path: '/seeds/max', message: `the race may reach ${worst} trials (${configurations} configurations x max ${max} seeds); the limit is ${maxTrials}` }];
  }
  return [];
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
function dryRun(schedule: ScheduleSpec, optimizer: OptimizerSpec, body: CreateSweepBody, budget: { steps: number }): string | null {
  // A script's loader length is known only when the sweep states it (task.stepsPerEpoch).
  const stepsPerEpoch = stepsPerEpochOf(body.task as never);
  try {
    const scheduler = createScheduler(schedule, optimizer);
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
 * A script's objective may be any metric it reports (whether it does is known only once it
 * runs: a trial that never reports it fails naming it); the built-in trainer reports its three.
 */
function objectiveMetricIssue(task: CreateSweepBody['task'], metric: string): string | null {
  if (isExternalTask(task)) return metricNameIssue(metric);
  return isBuiltinMetric(metric) ? null : `the built-in trainer reports ${METRICS.join(', ')}; '${metric}' can be the objective of a script's sweep (task.trainer) that reports it`;
}

/**
 * Expands a validated request body into trials, or returns every problem found, each named by
 * JSON pointer. The trial count is checked before anything is materialised, so an enormous
 * grid costs nothing. `streamOffset` numbers the schedule entries' random streams from there,
 * so an extension's entries draw afresh rather than repeat the sweep's first draws.
 */
export function planSweep(body: CreateSweepBody, maxTrials: number, streamOffset = 0): { plan: SweepPlan } | { issues: Issue[] } {
  const objective = body.objective ?? DEFAULT_OBJECTIVE;
  const seeds = seedList(body.seeds);
  // What the schema cannot say about a built-in task (a CNN deeper than its images allow): the
  // trainer checks the same rules, so a task it would refuse is refused here instead.
  const issues: Issue[] = isExternalTask(body.task) ? [] : taskRuleIssues(body.task as never).map((i) => ({ path: `/task${i.path}`, message: i.message }));
  const objectiveIssue = objectiveMetricIssue(body.task, objective.metric);
  if (objectiveIssue) issues.push({ path: '/objective/metric', message: objectiveIssue });
  const search = searchOf(body, streamOffset);
  issues.push(...search.issues);
  const configurations = search.configurationCount;
  const total = configurations * seeds.length;
  if (total > maxTrials) {
    const how = search.method === 'grid' ? 'the grid expands to' : `${search.method} search draws`;
    return { issues: [{ path: search.method === 'grid' ? '/schedules' : '/search/count', message: `${how} ${total} trials (schedules x configurations x seeds); the limit is ${maxTrials}` }] };
  }
  const race = raceIssues(body.seeds, configurations, maxTrials);
  if (race.length > 0) return { issues: race };
  if (issues.length > 0) return { issues };

  const trials: PlannedTrial[] = [];
  // Canonical key -> where it was first met: a grid that reaches one configuration twice is
  // refused; a draw that repeats one is drawn again (configurationsOf asks through `isNew`).
  const checked = new Map<string, string>();
  const seen = new Set<string>();
  const budget = { steps: DRY_RUN_STEP_BUDGET };
  const storedOf = ({ schedule, lr }: Configuration) => (lr === undefined ? schedule : { ...schedule, [TRIAL_LR_KEY]: lr });
  const isNew = (c: Configuration) => !checked.has(keyOf(storedOf(c) as ScheduleSpec));
  body.schedules.forEach((entry, i) => {
    const at = `/schedules/${i}`;
    for (const configuration of configurationsOf(search, i, isNew)) {
      if ('issue' in configuration) {
        issues.push(configuration.issue);
        break;
      }
      const { schedule, choices, lr } = configuration;
      const stored = storedOf(configuration);
      const scheduleKey = keyOf(stored as ScheduleSpec);
      const where = choices.length ? ` (${search.method === 'grid' ? 'grid values' : 'drawn'} ${choices.join(', ')})` : '';
      const source = at + where;
      const first = checked.get(scheduleKey);
      if (first !== undefined) {
        issues.push({ path: at, message: `${source} is the same configuration as ${first} once PyTorch's defaults are filled in; each configuration may appear once` });
      } else {
        checked.set(scheduleKey, source);
        const optimizer = { ...body.task.optimizer, lr: lr ?? body.task.optimizer.lr } as OptimizerSpec;
        const bytes = Buffer.byteLength(scheduleKey);
        const found: Issue[] =
          bytes > MAX_SCHEDULE_JSON_BYTES
            ? [{ path: '', message: `the schedule is ${bytes} bytes as JSON; the limit is ${MAX_SCHEDULE_JSON_BYTES}` }]
            : TRIAL_LR_KEY in schedule
              ? [{ path: `/${TRIAL_LR_KEY}`, message: `the base lr is the optimizer's: search it at /task/optimizer/${TRIAL_LR_KEY}` }]
              : validateSchedule(schedule, optimizer);
        const mismatch = plateauMismatch(schedule, objective);
        if (mismatch) found.push(mismatch);
        if (found.length === 0) {
          const failure = dryRun(schedule as ScheduleSpec, optimizer, body, budget);
          if (failure) found.push({ path: '', message: failure });
        }
        for (const issue of found) {
          const message = issue.message + where;
          // Drawn values differ from one configuration to the next: one issue per field is enough.
          const once = search.method === 'grid' ? at + issue.path + message : at + issue.path;
          if (!seen.has(once)) {
            seen.add(once);
            issues.push({ path: at + issue.path, message });
          }
        }
      }
      for (const seed of seeds) trials.push({ index: trials.length, schedule: stored, scheduleKey, seed, path: at, source });
    }
  });
  return issues.length > 0 ? { issues } : planFirstRung(body, { objective, trials }, maxTrials);
}
