import type { DbClient, Prisma } from './client.ts';
import type { SweepStatus, TrialState } from './generated/prisma/enums.ts';
import type { EpochInput } from './epochs.repository.ts';
import { isUuid } from './ids.ts';
import { refreshSweepStatus } from './sweeps.repository.ts';

/**
 * Writes one finished epoch, the checkpoint to resume after it, and reads whether the trial
 * should stop, in ONE statement. One statement is atomic, so a worker killed at any instant
 * leaves either both the epoch and its checkpoint or neither: a resume never re-trains an
 * epoch whose row exists under a different checkpoint. It is also one round trip instead of
 * five, which is most of a no-op trial's cost.
 * @returns the trial's epochsDone and whether it (or its sweep) was cancelled; null for an unknown trial.
 */
export async function recordEpochWithCheckpoint(
  db: DbClient,
  trialId: string,
  row: EpochInput,
  checkpoint: Prisma.InputJsonValue | null,
): Promise<{ epochsDone: number; cancelled: boolean } | null> {
  if (!isUuid(trialId)) return null;
  const json = checkpoint === null ? null : JSON.stringify(checkpoint);
  // The count runs on the statement's snapshot, which does not yet see the upserted row:
  // add one when the row is new (xmax = 0 marks an insert, not an update).
  const rows = await db.$queryRaw<{ epochsDone: number; state: TrialState; status: SweepStatus }[]>`
    WITH e AS (
      INSERT INTO "Epoch" ("trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", seconds)
      -- Nothing for a trial that is gone (its sweep deleted mid-training): null, not an FK error.
      SELECT ${trialId}::uuid, ${row.epoch}, ${row.lr}, ${row.trainLoss}, ${row.valLoss}, ${row.valAcc}, ${row.seconds}
       WHERE EXISTS (SELECT 1 FROM "Trial" WHERE id = ${trialId}::uuid)
      ON CONFLICT ("trialId", epoch) DO UPDATE
        SET lr = EXCLUDED.lr, "trainLoss" = EXCLUDED."trainLoss", "valLoss" = EXCLUDED."valLoss",
            "valAcc" = EXCLUDED."valAcc", seconds = EXCLUDED.seconds
      RETURNING (xmax = 0) AS inserted)
    UPDATE "Trial" AS t
       SET "epochsDone" = (SELECT count(*) FROM "Epoch" WHERE "trialId" = ${trialId}::uuid)::int
                          + COALESCE((SELECT CASE WHEN inserted THEN 1 ELSE 0 END FROM e), 0),
           checkpoint = COALESCE(${json}::jsonb, t.checkpoint),
           "updatedAt" = now()
      FROM "Sweep" AS s
     WHERE t.id = ${trialId}::uuid AND s.id = t."sweepId"
    RETURNING t."epochsDone" AS "epochsDone", t.state, s.status`;
  const r = rows[0];
  if (!r) return null;
  return { epochsDone: r.epochsDone, cancelled: r.state === 'cancelled' || r.status === 'cancelled' };
}

/**
 * Gives a running trial back to the queue: a worker shutting down calls it after its last
 * checkpoint, so the trial shows as queued, not as running on a worker that is gone.
 * @returns whether the trial was running and is now queued.
 */
export async function releaseTrial(db: DbClient, trialId: string): Promise<boolean> {
  if (!isUuid(trialId)) return false;
  const n = await db.$executeRaw`
    UPDATE "Trial" SET state = 'queued', worker = NULL, "updatedAt" = now()
     WHERE id = ${trialId}::uuid AND state = 'running'`;
  return n > 0;
}

export interface UnfinishedTrial {
  id: string;
  sweepId: string;
  state: TrialState;
  attempts: number;
  /** The sweep's external trainer, whose own queue holds the trial; null for the built-in one. */
  trainer: string | null;
}

/**
 * Trials Postgres says still need a worker (queued, or running untouched since `olderThan`),
 * in sweeps that are not cancelled: what the reconciler compares with the queue. A running
 * trial's every claim and epoch bumps updatedAt, so a recent one is taken to be alive.
 */
export async function listUnfinishedTrials(db: DbClient, { runningOlderThan }: { runningOlderThan: Date }): Promise<UnfinishedTrial[]> {
  return db.$queryRaw<UnfinishedTrial[]>`
    SELECT t.id::text AS id, t."sweepId"::text AS "sweepId", t.state, t.attempts, s.spec->'task'->>'trainer' AS trainer
      FROM "Trial" AS t JOIN "Sweep" AS s ON s.id = t."sweepId"
     WHERE s.status <> 'cancelled'
       AND (t.state = 'queued' OR (t.state = 'running' AND t."updatedAt" < ${runningOlderThan}))`;
}

/**
 * refreshSweepStatus without its cost when nothing can change: while a running sweep still
 * has unfinished trials its status stays `running`, and one indexed EXISTS says so without
 * locking the sweep row or counting its 10,000 trials on every finished trial.
 */
export async function settleSweepStatus(db: DbClient, sweepId: string): Promise<SweepStatus | null> {
  if (!isUuid(sweepId)) return null;
  const rows = await db.$queryRaw<{ status: SweepStatus; open: boolean }[]>`
    SELECT s.status, EXISTS (SELECT 1 FROM "Trial" t WHERE t."sweepId" = s.id AND t.state IN ('queued', 'running')) AS open
      FROM "Sweep" s WHERE s.id = ${sweepId}::uuid`;
  const row = rows[0];
  if (!row) return null;
  if (row.open && row.status === 'running') return 'running';
  return refreshSweepStatus(db, sweepId);
}
