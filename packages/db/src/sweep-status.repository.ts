import { inTransaction, type DbClient, type Prisma } from './client.ts';
import type { SweepStatus } from './generated/prisma/enums.ts';
import { isUuid } from './ids.ts';
import { advanceLockedSweep, type SweepAdvanced } from './sweep-advance.repository.ts';
import { countTrials, emptyCounts, finishedOf, type TrialCounts } from './trial-counts.ts';

// A sweep's status recomputed from its trials' states after trials finish: a worker settles
// the sweeps of the trials it finished, the API's reconciler those of trials it gave up on.
// Two changes need no recount and are made in their own statement: a claim turns a queued
// sweep running (claimTrials), a user cancels it (cancelSweep). A sweep that grows round by
// round (seed racing) gets its next round here, before it could be called finished
// (sweep-advance.repository.ts).

/** What a sweep's status should be given its trials' states (see refreshSweepStatus). */
export function deriveSweepStatus(current: SweepStatus, counts: TrialCounts): SweepStatus {
  // Cancelling is a user's decision, not a fact about trials: nothing undoes it.
  if (current === 'cancelled') return 'cancelled';
  const finished = finishedOf(counts);
  if (counts.total > 0 && finished === counts.total) {
    return counts.failed === counts.total ? 'failed' : 'completed';
  }
  if (counts.running > 0 || finished > 0) return 'running';
  return current === 'queued' ? 'queued' : current;
}

/** A sweep's status after a settle, and the trials its strategy added when a round ended. */
export interface SweepSettled {
  status: SweepStatus;
  /** The next round's trials, queued in Postgres: the caller enqueues their jobs. Null when none were added. */
  advanced: SweepAdvanced | null;
}

/**
 * Recomputes a sweep's status from its trials, after a trial changed state. Workers call this
 * concurrently, so the sweep row is locked for the read-decide-write. When every trial has
 * finished and the sweep follows a strategy (seed racing) that wants another round, the round
 * is added in the same transaction and the sweep stays `running`.
 * @returns the new status and any trials added, or null when the sweep does not exist.
 */
export async function refreshSweep(db: DbClient, sweepId: string): Promise<SweepSettled | null> {
  if (!isUuid(sweepId)) return null;
  return inTransaction(db, async (tx) => {
    const locked = await tx.$queryRaw<{ status: SweepStatus; startedAt: Date | null; finishedAt: Date | null }[]>`
      SELECT status, "startedAt", "finishedAt" FROM "Sweep" WHERE id = ${sweepId}::uuid FOR UPDATE`;
    const row = locked[0];
    if (!row) return null;
    let counts = (await countTrials(tx, [sweepId])).get(sweepId) ?? emptyCounts();
    let allFinished = counts.total > 0 && finishedOf(counts) === counts.total;
    // A cancelled sweep gets no more rounds.
    const advanced = allFinished && row.status !== 'cancelled' ? await advanceLockedSweep(tx, sweepId) : null;
    if (advanced) {
      counts = (await countTrials(tx, [sweepId])).get(sweepId) ?? emptyCounts();
      allFinished = false;
      // What advanceLockedSweep wrote (reopenSweep): a finished sweep is running again.
      if (row.status !== 'queued') row.status = 'running';
      row.finishedAt = null;
    }
    const status = deriveSweepStatus(row.status, counts);
    const now = new Date();
    const data: Prisma.SweepUpdateInput = {};
    if (status !== row.status) data.status = status;
    if (!row.startedAt && (status === 'running' || status === 'completed' || status === 'failed')) data.startedAt = now;
    // A cancelled sweep is finished once its last running trial has stopped.
    if (!row.finishedAt && (status === 'completed' || status === 'failed' || (status === 'cancelled' && allFinished))) {
      data.finishedAt = now;
    }
    if (Object.keys(data).length > 0) await tx.sweep.update({ where: { id: sweepId }, data });
    return { status, advanced };
  });
}

/** refreshSweep's status alone, for a caller that cannot have ended a round (or leaves its jobs to the reconciler). */
export async function refreshSweepStatus(db: DbClient, sweepId: string): Promise<SweepStatus | null> {
  return (await refreshSweep(db, sweepId))?.status ?? null;
}

/**
 * refreshSweepStatus without its cost when nothing can change: while a running sweep still
 * has unfinished trials its status stays `running`, and one indexed EXISTS says so without
 * locking the sweep row or counting its 10,000 trials on every finished trial.
 */
export async function settleSweepStatus(db: DbClient, sweepId: string): Promise<SweepStatus | null> {
  return (await settleSweepStatuses(db, [sweepId])).get(sweepId) ?? null;
}

/** settleSweepStatus for several sweeps, with one query for all the ones still running. */
export async function settleSweepStatuses(db: DbClient, sweepIds: string[]): Promise<Map<string, SweepStatus>> {
  return new Map([...(await settleSweeps(db, sweepIds))].map(([id, settled]) => [id, settled.status]));
}

/** settleSweepStatuses with the trials a round's end added (see refreshSweep): what a worker calls. */
export async function settleSweeps(db: DbClient, sweepIds: string[]): Promise<Map<string, SweepSettled>> {
  const ids = [...new Set(sweepIds.filter(isUuid))];
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; status: SweepStatus; open: boolean }[]>`
    SELECT s.id::text AS id, s.status,
           EXISTS (SELECT 1 FROM "Trial" t WHERE t."sweepId" = s.id AND t.state IN ('queued', 'running')) AS open
      FROM "Sweep" s WHERE s.id = ANY(${ids}::uuid[])`;
  const out = new Map<string, SweepSettled>();
  for (const row of rows) {
    const settled = row.open && row.status === 'running' ? { status: row.status, advanced: null } : await refreshSweep(db, row.id);
    if (settled) out.set(row.id, settled);
  }
  return out;
}
