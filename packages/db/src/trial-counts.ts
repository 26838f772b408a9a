import { FINISHED_TRIAL_STATES as FINISHED } from '@lrsweep/contracts';
import type { DbClient } from './client.ts';
import type { TrialState } from './generated/prisma/enums.ts';

// A sweep's trials counted by state: what a sweep view shows and what its status is derived
// from (sweeps.repository.ts, sweep-status.repository.ts).

export type TrialCounts = Record<TrialState | 'total', number>;

/** contracts' finished states, typed so any state can be looked up in them. */
export const FINISHED_TRIAL_STATES: readonly TrialState[] = FINISHED;

export function emptyCounts(): TrialCounts {
  return { total: 0, queued: 0, running: 0, completed: 0, failed: 0, diverged: 0, cancelled: 0, stopped: 0 };
}

/** TrialCounts from a `json_object_agg(state, n)` (null when the sweep has no trials). */
export function countsOf(byState: Partial<Record<TrialState, number>> | null): TrialCounts {
  const counts = emptyCounts();
  for (const [state, n] of Object.entries(byState ?? {}) as [TrialState, number][]) {
    counts[state] = n;
    counts.total += n;
  }
  return counts;
}

/** Trial counts by state for several sweeps in one GROUP BY. */
export async function countTrials(db: DbClient, sweepIds: string[]): Promise<Map<string, TrialCounts>> {
  const out = new Map(sweepIds.map((id) => [id, emptyCounts()]));
  if (sweepIds.length === 0) return out;
  const groups = await db.trial.groupBy({
    by: ['sweepId', 'state'],
    where: { sweepId: { in: sweepIds } },
    _count: { _all: true },
  });
  for (const g of groups) {
    const counts = out.get(g.sweepId);
    if (!counts) continue;
    counts[g.state] = g._count._all;
    counts.total += g._count._all;
  }
  return out;
}

export function finishedOf(counts: TrialCounts): number {
  return FINISHED_TRIAL_STATES.reduce((sum, s) => sum + counts[s], 0);
}
