import type { DbClient, Prisma } from './client.ts';
import type { SweepStatus, TrialState } from './generated/prisma/enums.ts';
import type { EpochInput } from './epochs.repository.ts';
import { isUuid } from './ids.ts';
import { refreshSweepStatus } from './sweeps.repository.ts';

export interface EpochWrite {
  trialId: string;
  row: EpochInput;
  /** The state to resume after this epoch; null keeps the trial's last one. */
  checkpoint: Prisma.InputJsonValue | null;
}

export interface EpochWritten {
  epochsDone: number;
  /** The trial or its sweep was cancelled: stop at this epoch boundary. */
  cancelled: boolean;
}

/**
 * Writes one finished epoch, the checkpoint to resume after it, and reads whether the trial
 * should stop, in ONE statement. One statement is atomic, so a worker killed at any instant
 * leaves either both the epoch and its checkpoint or neither: a resume never re-trains an
 * epoch whose row exists under a different checkpoint.
 * @returns the trial's epochsDone and whether it (or its sweep) was cancelled; null for an unknown trial.
 */
export async function recordEpochWithCheckpoint(
  db: DbClient,
  trialId: string,
  row: EpochInput,
  checkpoint: Prisma.InputJsonValue | null,
): Promise<EpochWritten | null> {
  return (await recordEpochs(db, [{ trialId, row, checkpoint }])).get(trialId) ?? null;
}

/**
 * recordEpochWithCheckpoint for the epochs of several trials in one statement: a worker running
 * many trials at once writes the epochs that finished together in one round trip. Each trial
 * may appear once (one statement cannot update a row twice). Unknown trials are absent from
 * the result.
 */
export async function recordEpochs(db: DbClient, writes: EpochWrite[]): Promise<Map<string, EpochWritten>> {
  const items = writes.filter((w) => isUuid(w.trialId));
  if (new Set(items.map((w) => w.trialId)).size !== items.length) throw new Error('recordEpochs: a trial appears twice in one batch');
  if (items.length === 0) return new Map();
  const col = <T>(f: (w: EpochWrite) => T) => items.map(f);
  // The count runs on the statement's snapshot, which does not yet see the upserted rows: add
  // the trial's new ones (xmax = 0 marks an insert, not an update). A trial that is gone (its
  // sweep deleted mid-training) gets nothing, not an FK error.
  // Checkpoints (a model's weights: megabytes) travel as one JSON array parsed once, not as
  // elements of a text[]: escaping megabytes into an array literal cost ~35 ms an epoch.
  const checkpoints = JSON.stringify(items.map((w) => w.checkpoint));
  const rows = await db.$queryRaw<{ trialId: string; epochsDone: number; state: TrialState; status: SweepStatus }[]>`
    WITH c AS (SELECT ${checkpoints}::jsonb AS all_), i AS (
      SELECT * FROM unnest(${col((w) => w.trialId)}::uuid[], ${col((w) => w.row.epoch)}::int[], ${col((w) => w.row.lr)}::float8[],
                           ${col((w) => w.row.train_loss)}::float8[], ${col((w) => w.row.val_loss)}::float8[],
                           ${col((w) => w.row.val_acc)}::float8[], ${col((w) => w.row.seconds)}::float8[])
             WITH ORDINALITY AS i("trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", seconds, n)
    ), e AS (
      INSERT INTO "Epoch" ("trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", seconds)
      SELECT "trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", seconds FROM i
       WHERE EXISTS (SELECT 1 FROM "Trial" WHERE id = i."trialId")
      ON CONFLICT ("trialId", epoch) DO UPDATE
        SET lr = EXCLUDED.lr, "trainLoss" = EXCLUDED."trainLoss", "valLoss" = EXCLUDED."valLoss",
            "valAcc" = EXCLUDED."valAcc", seconds = EXCLUDED.seconds
      RETURNING "trialId", (xmax = 0) AS inserted)
    UPDATE "Trial" AS t
       SET "epochsDone" = (SELECT count(*) FROM "Epoch" WHERE "trialId" = t.id)::int
                          + (SELECT count(*) FROM e WHERE e."trialId" = t.id AND e.inserted)::int,
           checkpoint = COALESCE(NULLIF(c.all_ -> (i.n - 1)::int, 'null'::jsonb), t.checkpoint),
           "updatedAt" = now()
      FROM c, i, "Sweep" AS s
     WHERE t.id = i."trialId" AND s.id = t."sweepId"
    RETURNING t.id::text AS "trialId", t."epochsDone" AS "epochsDone", t.state, s.status`;
  return new Map(rows.map((r) => [r.trialId, { epochsDone: r.epochsDone, cancelled: r.state === 'cancelled' || r.status === 'cancelled' }]));
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
