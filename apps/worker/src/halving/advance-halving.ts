import { isExternalTask, maxPromoted, rungEpochs, type CreateSweepBody } from '@lrsweep/contracts';
import { advanceRung, currentRung, getSweep, type DbClient } from '@lrsweep/db';
import { promoteRung, type ScheduleResults } from '@lrsweep/stats';

/** The next rung's trials, to enqueue on the sweep's trainer's queue. */
export interface NextRound {
  trialIds: string[];
  /** The external trainer whose queue they go to; undefined for the built-in one. */
  trainer: string | undefined;
  rung: number;
}

/**
 * Successive halving's step, called after every finished trial of a sweep: when the sweep's
 * current rung has just finished, rank its configurations (by the results alone: see
 * promoteRung), stop the ones left behind and write the next rung's trials. A grid sweep, an
 * unfinished rung, the last rung or a rung another worker already advanced give null.
 */
export async function advanceHalving(db: DbClient, sweepId: string): Promise<NextRound | null> {
  const rung = await currentRung(db, sweepId);
  if (!rung || !rung.finished) return null;
  const sweep = await getSweep(db, sweepId);
  const spec = sweep?.spec as unknown as CreateSweepBody | undefined;
  const es = spec?.early_stopping;
  if (!sweep || !spec || !es) return null;
  const ladder = rungEpochs(es, spec.task.epochs);
  const budgetEpochs = ladder[rung.rung + 1];
  if (budgetEpochs === undefined) return null;

  const byKey = new Map<string, ScheduleResults<string> & { failed: number }>();
  for (const t of rung.trials) {
    const r = byKey.get(t.scheduleKey) ?? { key: t.scheduleKey, completed: [], diverged: 0, failed: 0 };
    if (t.state === 'completed' && t.objective !== null) (r.completed as Array<[number, number]>).push([t.seed, t.objective]);
    else if (t.state === 'diverged') r.diverged++;
    else r.failed++;
    byKey.set(t.scheduleKey, r);
  }
  const n = byKey.size;
  const decision = promoteRung([...byKey.values()], sweep.objectiveMode, { keep: Math.ceil(n / es.eta), cap: maxPromoted(n, es.eta) });
  const rungName = `rung ${rung.rung} (${ladder[rung.rung]} epochs)`;
  const trialIds = await advanceRung(db, {
    sweepId,
    fromRung: rung.rung,
    budgetEpochs,
    promoted: decision.promoted,
    stopped: decision.stopped.map((s) => ({ key: s.key, reason: `${rungName}: ${s.reason}` })),
  });
  if (!trialIds) return null;
  return { trialIds, trainer: isExternalTask(spec.task) ? spec.task.trainer : undefined, rung: rung.rung + 1 };
}
