import { inTransaction, type DbClient, type Prisma } from './client.ts';
import type { SweepStatus } from './generated/prisma/enums.ts';
import { isUuid } from './ids.ts';
import { countTrials, emptyCounts, finishedOf, type TrialCounts } from './trial-counts.ts';

// A sweep's status recomputed from its trials' states after trials finish: a worker settles
// the sweeps of the trials it finished, the API's reconciler those of trials it gave up on.
// Two changes need no recount and are made in their own statement: a claim turns a queued
// sweep running (claimTrials), a user cancels it (cancelSweep).

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

/**
 * Recomputes a sweep's status from its trials, after a trial changed state. Workers call this
 * concurrently, so the sweep row is locked for the read-decide-write.
 * @returns the new status, or null when the sweep does not exist.
 */
export async function refreshSweepStatus(db: DbClient, sweepId: string): Promise<SweepStatus | null> {
  if (!isUuid(sweepId)) return null;
  return inTransaction(db, async (tx) => {
    const locked = await tx.$queryRaw<{ status: SweepStatus; startedAt: Date | null; finishedAt: Date | null }[]>`
      SELECT status, "startedAt", "finishedAt" FROM "Sweep" WHERE id = ${sweepId}::uuid FOR UPDATE`;
    const row = locked[0];
    if (!row) return null;
    const counts = (await countTrials(tx, [sweepId])).get(sweepId) ?? emptyCounts();
    const status = deriveSweepStatus(row.status, counts);
    const allFinished = counts.total > 0 && finishedOf(counts) === counts.total;
    const now = new Date();
    const data: Prisma.SweepUpdateInput = {};
    if (status !== row.status) data.status = status;
    if (!row.startedAt && (status === 'running' || status === 'completed' || status === 'failed')) data.startedAt = now;
    // A cancelled sweep is finished once its last running trial has stopped.
    if (!row.finishedAt && (status === 'completed' || status === 'failed' || (status === 'cancelled' && allFinished))) {
      data.finishedAt = now;
    }
    if (Object.keys(data).length > 0) await tx.sweep.update({ where: { id: sweepId }, data });
    return status;
  });
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
  const ids = [...new Set(sweepIds.filter(isUuid))];
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; status: SweepStatus; open: boolean }[]>`
    SELECT s.id::text AS id, s.status,
           EXISTS (SELECT 1 FROM "Trial" t WHERE t."sweepId" = s.id AND t.state IN ('queued', 'running')) AS open
      FROM "Sweep" s WHERE s.id = ANY(${ids}::uuid[])`;
  const out = new Map<string, SweepStatus>();
  for (const row of rows) {
    const status = row.open && row.status === 'running' ? 'running' : await refreshSweepStatus(db, row.id);
    if (status) out.set(row.id, status);
  }
  return out;
}
