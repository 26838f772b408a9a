import type { EpochRow } from '@lrsweep/contracts';
import type { DbClient, Prisma } from './client.ts';
import type { SweepStatus, TrialState } from './generated/prisma/enums.ts';
import { isUuid } from './ids.ts';

/**
 * An epoch row as the trainer reports it and the API returns it (`train_loss`, `val_loss`,
 * `val_acc`, a script's other `metrics`): the camelCase columns are Postgres's business and
 * stop at this file.
 */
export type EpochInput = EpochRow;

export interface EpochView extends EpochInput {
  createdAt: Date;
}

export async function listEpochs(db: DbClient, trialId: string): Promise<EpochView[]> {
  const rows = await db.epoch.findMany({
    where: { trialId },
    orderBy: { epoch: 'asc' },
    select: { epoch: true, lr: true, trainLoss: true, valLoss: true, valAcc: true, metrics: true, seconds: true, createdAt: true },
  });
  return rows.map((e) => ({
    epoch: e.epoch,
    lr: e.lr,
    train_loss: e.trainLoss,
    val_loss: e.valLoss,
    val_acc: e.valAcc,
    ...(e.metrics ? { metrics: e.metrics as Record<string, number> } : {}),
    seconds: e.seconds,
    createdAt: e.createdAt,
  }));
}

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
 * the result. A resumed trial re-reports epochs it already wrote, so rows are upserted on
 * (trialId, epoch) and epochsDone is recounted, never incremented.
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
  // A script's own metrics travel the same way; an epoch without any stores null.
  const metrics = JSON.stringify(items.map((w) => (w.row.metrics && Object.keys(w.row.metrics).length > 0 ? w.row.metrics : null)));
  const rows = await db.$queryRaw<{ trialId: string; epochsDone: number; state: TrialState; status: SweepStatus }[]>`
    WITH c AS (SELECT ${checkpoints}::jsonb AS all_), m AS (SELECT ${metrics}::jsonb AS all_), i AS (
      SELECT * FROM unnest(${col((w) => w.trialId)}::uuid[], ${col((w) => w.row.epoch)}::int[], ${col((w) => w.row.lr)}::float8[],
                           ${col((w) => w.row.train_loss)}::float8[], ${col((w) => w.row.val_loss)}::float8[],
                           ${col((w) => w.row.val_acc)}::float8[], ${col((w) => w.row.seconds)}::float8[])
             WITH ORDINALITY AS i("trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", seconds, n)
    ), e AS (
      INSERT INTO "Epoch" ("trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", metrics, seconds)
      SELECT "trialId", epoch, lr, "trainLoss", "valLoss", "valAcc", NULLIF(m.all_ -> (i.n - 1)::int, 'null'::jsonb), seconds FROM i, m
       WHERE EXISTS (SELECT 1 FROM "Trial" WHERE id = i."trialId")
      ON CONFLICT ("trialId", epoch) DO UPDATE
        SET lr = EXCLUDED.lr, "trainLoss" = EXCLUDED."trainLoss", "valLoss" = EXCLUDED."valLoss",
            "valAcc" = EXCLUDED."valAcc", metrics = EXCLUDED.metrics, seconds = EXCLUDED.seconds
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
 * Forgets a trial's epochs and checkpoint, in one statement, for a trial that must train again
 * from epoch 0 because its checkpoint is lost (a worker on a host without the checkpoint file):
 * its old rows would otherwise sit beside, and be counted with, the new run's.
 * @returns whether the trial exists.
 */
export async function dropTrialProgress(db: DbClient, trialId: string): Promise<boolean> {
  if (!isUuid(trialId)) return false;
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH d AS (DELETE FROM "Epoch" WHERE "trialId" = ${trialId}::uuid)
    UPDATE "Trial" SET "epochsDone" = 0, checkpoint = NULL, "updatedAt" = now()
     WHERE id = ${trialId}::uuid
    RETURNING id::text AS id`;
  return rows.length > 0;
}
