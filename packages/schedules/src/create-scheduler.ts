// The package's entry points: build a scheduler (throwing the first problem), validate a spec
// (returning every problem), and say at which interval a spec naturally runs.
import { optimizerOrThrow, readOptimizer, type OptimizerIssue } from './core/optimizer-state.ts';
import { SchedulerHandle } from './core/scheduler-handle.ts';
import { ScheduleError } from './errors.ts';
import { parseSpec } from './parsing/schedule.parser.ts';
import type { Issue } from './parsing/spec-reader.ts';
import type { Interval, OptimizerSpec, Scheduler, ScheduleSpec } from './types.ts';

/** Builds a scheduler on a fresh optimizer state, exactly as PyTorch's constructor would. */
export function createScheduler(spec: ScheduleSpec, optimizer: OptimizerSpec): Scheduler {
  const opt = optimizerOrThrow(optimizer);
  const issues: Issue[] = [];
  const parsed = parseSpec(spec, '', issues, { groups: opt.groups, momentumKind: opt.momentumKind });
  const first = issues[0];
  if (first || !parsed) throw new ScheduleError(first?.path ?? '', first?.reason ?? 'invalid schedule');
  // Constructors step once; an lr_lambda failing at epoch 0 surfaces here as its ExpressionError.
  const root = parsed.create(opt);
  return new SchedulerHandle(parsed.interval, opt, root);
}

/** Every problem in `spec` (and `optimizer`, when given), as `{path, message}`; never throws. */
export function validateSchedule(spec: unknown, optimizer?: OptimizerSpec): Array<{ path: string; message: string }> {
  // The path travels beside the message (the API's issue shape), so the message is the reason alone.
  const out = (issues: Array<Issue | OptimizerIssue>): Array<{ path: string; message: string }> =>
    issues.map((i) => ({ path: i.path, message: i.reason }));
  try {
    const optIssues: OptimizerIssue[] = [];
    const opt = optimizer === undefined ? null : readOptimizer(optimizer, optIssues);
    const issues: Issue[] = [];
    const parsed = parseSpec(spec, '', issues, { groups: opt?.groups, momentumKind: opt ? opt.momentumKind : undefined });
    if (issues.length > 0 || optIssues.length > 0 || !parsed || !opt) return out([...optIssues, ...issues]);
    // Construction runs the initial step, which can still fail (an lr_lambda dividing by zero).
    createScheduler(spec as ScheduleSpec, optimizer as OptimizerSpec);
    return [];
  } catch (err) {
    if (err instanceof ScheduleError) return out([{ path: err.path, reason: err.reason }]);
    return out([{ path: '', reason: err instanceof Error ? err.message : String(err) }]);
  }
}

/** 'step' for OneCycleLR and CyclicLR, 'epoch' for the rest; a composite is 'step' if any child is. */
export function naturalInterval(spec: ScheduleSpec): Interval {
  const issues: Issue[] = [];
  const parsed = parseSpec(spec, '', issues, { groups: undefined, momentumKind: undefined });
  const first = issues[0];
  if (first || !parsed) throw new ScheduleError(first?.path ?? '', first?.reason ?? 'invalid schedule');
  return parsed.natural;
}
