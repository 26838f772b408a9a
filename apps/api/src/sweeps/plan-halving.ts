import { earlyStoppingIssues, rungEpochs, stepsPerEpoch, worstCaseTrials, type CreateSweepBody, type Issue } from '@lrsweep/contracts';
import { rescaleSchedule, ScheduleError, type ScheduleSpec } from '@lrsweep/schedules';
import type { SweepPlan } from './plan-sweep.ts';

/**
 * A successive-halving sweep (`early_stopping`) starts with its first rung only: every
 * configuration x seed trained for `min_epochs`; the worker adds each later rung when the one
 * before it ends (apps/worker/src/halving/). Everything that could go wrong later is refused
 * now: a first rung as long as the run, a worst case past `maxTrials`, and a schedule that
 * cannot be compressed to some rung's length.
 */
export function planFirstRung(body: CreateSweepBody, plan: SweepPlan, maxTrials: number): { plan: SweepPlan } | { issues: Issue[] } {
  const es = body.early_stopping;
  if (!es) return { plan };
  const epochs = body.task.epochs;
  const issues = earlyStoppingIssues(es, epochs);
  if (issues.length > 0) return { issues };
  const configurations = new Set(plan.trials.map((t) => t.scheduleKey)).size;
  const seeds = plan.trials.length / Math.max(1, configurations);
  const worst = worstCaseTrials(configurations, seeds, es, epochs);
  if (worst > maxTrials) {
    return { issues: [{ path: '/early_stopping', message: `successive halving may create up to ${worst} trials (every rung as full as promotion allows); the limit is ${maxTrials}` }] };
  }
  const rungs = rungEpochs(es, epochs);
  if (es.rescale) {
    const seen = new Set<string>();
    for (const t of plan.trials) {
      if (seen.has(t.scheduleKey)) continue;
      seen.add(t.scheduleKey);
      for (const b of rungs.slice(0, -1)) {
        try {
          // As the worker will train it (trial-training.ts): onto steps where they are known.
          rescaleSchedule(t.schedule as ScheduleSpec, b, epochs, { stepsPerEpoch: stepsPerEpoch(body.task) });
        } catch (err) {
          if (!(err instanceof ScheduleError)) throw err;
          issues.push({ path: t.path + err.path, message: `cannot be rescaled to the ${b}-epoch rung: ${err.reason}; use "rescale": false to truncate instead (${t.source})` });
        }
      }
    }
  }
  if (issues.length > 0) return { issues };
  const first = rungs[0]!;
  return { plan: { ...plan, trials: plan.trials.map((t) => ({ ...t, rung: 0, budgetEpochs: first })) } };
}
