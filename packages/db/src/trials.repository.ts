import type { DbClient, Prisma } from './client.ts';
import type { SweepStatus, TrialState } from './generated/prisma/enums.ts';
import { listEpochs, type EpochView } from './epochs.repository.ts';
import { isUuid } from './ids.ts';
import type { ObjectiveMode } from './sweeps.repository.ts';

export interface TrialView {
  id: string;
  sweepId: string;
  index: number;
  scheduleKey: string;
  schedule: Prisma.JsonValue;
  seed: number;
  state: TrialState;
  attempts: number;
  worker: string | null;
  backend: string | null;
  error: string | null;
  divergedEpoch: number | null;
  epochsDone: number;
  finalTrainLoss: number | null;
  finalValLoss: number | null;
  finalValAcc: number | null;
  objective: number | null;
  seconds: number | null;
  checkpoint: Prisma.JsonValue;
  /** External trainers only (see external-trials.repository.ts). */
  trainer: string | null;
  outputTail: string | null;
  lrMismatch: string | null;
  /** Why the sweep added it after it started (sweep-advance.repository.ts); null for the spec's own trials. */
  reason: string | null;
  /** Successive halving: the rung, its length in epochs (null: the task's), why the trial went no further. */
  rung: number | null;
  budgetEpochs: number | null;
  stopReason: string | null;
  /** The pack it trained in (trials one worker trained together, LRSWEEP_PACK; the latest, if several) and its size; null when it always trained alone. */
  packId: string | null;
  packSize: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Marks trials as training together in one pack, in one statement, as the pack starts. */
export async function recordPack(db: DbClient, trialIds: string[], packId: string): Promise<void> {
  await db.trial.updateMany({ where: { id: { in: trialIds.filter(isUuid) } }, data: { packId, packSize: trialIds.length } });
}

/** A trial with its epochs, or null when it does not exist (in a sweep of `project`, if given). */
export async function getTrial(db: DbClient, id: string, project?: string): Promise<(TrialView & { epochs: EpochView[] }) | null> {
  if (!isUuid(id)) return null;
  const trial = await db.trial.findFirst({ where: { id, ...(project === undefined ? {} : { sweep: { project } }) } });
  if (!trial) return null;
  return { ...trial, epochs: await listEpochs(db, id) };
}

export interface ListTrialsInput {
  /** 1-based. */
  page: number;
  pageSize: number;
  state?: TrialState;
}

/** A page of a sweep's trials in index order. */
export async function listTrials(
  db: DbClient,
  sweepId: string,
  { page, pageSize, state }: ListTrialsInput,
): Promise<{ items: TrialView[]; total: number }> {
  if (!isUuid(sweepId)) return { items: [], total: 0 };
  const where = { sweepId, ...(state === undefined ? {} : { state }) };
  const [items, total] = await Promise.all([
    db.trial.findMany({ where, orderBy: { index: 'asc' }, skip: (Math.max(page, 1) - 1) * pageSize, take: pageSize }),
    db.trial.count({ where }),
  ]);
  return { items, total };
}

/**
 * What a worker needs to train a trial it has claimed; `checkpoint` is the resume state from
 * an earlier attempt, if it saved one.
 */
export interface ClaimedTrial extends Pick<TrialView, 'id' | 'sweepId' | 'index' | 'scheduleKey' | 'schedule' | 'seed' | 'attempts' | 'epochsDone' | 'checkpoint' | 'rung' | 'budgetEpochs'> {
  sweep: { spec: Prisma.JsonValue; objectiveMetric: string; objectiveMode: ObjectiveMode };
}

/** The claim query's flat row: the trial's fields beside its sweep's. */
type ClaimRow = Omit<ClaimedTrial, 'sweep'> & Omit<ClaimedTrial['sweep'], 'objectiveMode'> & { objectiveMode: string };

/**
 * Marks a trial running for `worker` and returns what training it needs, or null when it is
 * not runnable (finished, cancelled, or its sweep cancelled). See claimTrials.
 */
export async function claimTrial(db: DbClient, trialId: string, by: { worker: string; backend: string }): Promise<ClaimedTrial | null> {
  return (await claimTrials(db, [trialId], by)).get(trialId) ?? null;
}

/**
 * Claims several trials in one statement (a worker running many trials at once batches its
 * claims: one round trip instead of one per trial). One UPDATE decides, so two workers handed
 * the same job cannot both miss each other's claim. A trial already `running` is claimable
 * again: that is a retry after its worker died. Trials not runnable are absent from the map.
 */
export async function claimTrials(
  db: DbClient,
  trialIds: string[],
  { worker, backend }: { worker: string; backend: string },
): Promise<Map<string, ClaimedTrial>> {
  const ids = trialIds.filter(isUuid);
  if (ids.length === 0) return new Map();
  // The sweeps turn running in the same statement, so no reader ever sees a running trial in
  // a queued sweep.
  const rows = await db.$queryRaw<ClaimRow[]>`
    WITH claimed AS (
      UPDATE "Trial" AS t
         SET state = 'running', attempts = t.attempts + 1, worker = ${worker}, backend = ${backend},
             "startedAt" = COALESCE(t."startedAt", now()), "updatedAt" = now()
        FROM "Sweep" AS s
       WHERE t.id = ANY(${ids}::uuid[]) AND s.id = t."sweepId"
         AND t.state IN ('queued', 'running') AND s.status <> 'cancelled'
      RETURNING t.id::text AS id, t."sweepId", t.index, t."scheduleKey", t.schedule, t.seed,
                t.attempts, t."epochsDone", t.checkpoint, t.rung, t."budgetEpochs", s.spec, s."objectiveMetric", s."objectiveMode"
    ), started AS (
      UPDATE "Sweep" SET status = 'running', "startedAt" = COALESCE("startedAt", now()), "updatedAt" = now()
       WHERE id IN (SELECT "sweepId" FROM claimed) AND status = 'queued'
    )
    SELECT id, "sweepId"::text AS "sweepId", index, "scheduleKey", schedule, seed, attempts, "epochsDone", checkpoint,
           rung, "budgetEpochs", spec, "objectiveMetric", "objectiveMode"
      FROM claimed`;
  const out = new Map<string, ClaimedTrial>();
  for (const { spec, objectiveMetric, objectiveMode, ...trial } of rows) {
    out.set(trial.id, { ...trial, sweep: { spec, objectiveMetric, objectiveMode: objectiveMode === 'max' ? 'max' : 'min' } });
  }
  return out;
}

export type FinishedTrialState = 'completed' | 'failed' | 'diverged' | 'cancelled';

export interface FinishTrialInput {
  state: FinishedTrialState;
  finalTrainLoss?: number | null;
  finalValLoss?: number | null;
  finalValAcc?: number | null;
  /** The sweep's objective metric at the end; the leaderboard ranks on it. */
  objective?: number | null;
  error?: string | null;
  divergedEpoch?: number | null;
  seconds?: number | null;
}

/**
 * Records a trial's outcome. Only a queued or running trial is finished: an outcome arriving
 * after the trial was finished (a duplicate job, a late worker) is ignored.
 * @returns whether the trial was updated.
 */
export async function finishTrial(db: DbClient, trialId: string, input: FinishTrialInput): Promise<boolean> {
  return (await finishTrials(db, [{ trialId, ...input }])).has(trialId);
}

/**
 * finishTrial for several trials in one statement. A field left out keeps its value.
 * @returns the ids of the trials updated.
 */
export async function finishTrials(db: DbClient, items: Array<FinishTrialInput & { trialId: string }>): Promise<Set<string>> {
  const rows = items.filter((i) => isUuid(i.trialId));
  if (rows.length === 0) return new Set();
  const col = <T>(f: (i: FinishTrialInput) => T | null | undefined) => rows.map((i) => f(i) ?? null);
  const updated = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Trial" AS t
       SET state = i.state::"TrialState",
           "finalTrainLoss" = COALESCE(i.ftl, t."finalTrainLoss"), "finalValLoss" = COALESCE(i.fvl, t."finalValLoss"),
           "finalValAcc" = COALESCE(i.fva, t."finalValAcc"), objective = COALESCE(i.obj, t.objective),
           error = COALESCE(i.err, t.error), "divergedEpoch" = COALESCE(i.de, t."divergedEpoch"),
           seconds = COALESCE(i.sec, t.seconds), "finishedAt" = now(), "updatedAt" = now()
      FROM unnest(${rows.map((i) => i.trialId)}::uuid[], ${col((i) => i.state)}::text[],
                  ${col((i) => i.finalTrainLoss)}::float8[], ${col((i) => i.finalValLoss)}::float8[],
                  ${col((i) => i.finalValAcc)}::float8[], ${col((i) => i.objective)}::float8[],
                  ${col((i) => i.error)}::text[], ${col((i) => i.divergedEpoch)}::int[], ${col((i) => i.seconds)}::float8[])
           AS i(id, state, ftl, fvl, fva, obj, err, de, sec)
     WHERE t.id = i.id AND t.state IN ('queued', 'running')
    RETURNING t.id::text AS id`;
  return new Set(updated.map((r) => r.id));
}

/**
 * Whether a running trial should stop at its next epoch boundary: the trial itself or its
 * sweep was cancelled (cancelSweep leaves running trials running until they look).
 */
export async function isTrialCancelled(db: DbClient, trialId: string): Promise<boolean> {
  if (!isUuid(trialId)) return false;
  const row = await db.trial.findUnique({
    where: { id: trialId },
    select: { state: true, sweep: { select: { status: true } } },
  });
  return row?.state === 'cancelled' || row?.sweep.status === ('cancelled' satisfies SweepStatus);
}

export async function saveCheckpoint(db: DbClient, trialId: string, checkpoint: Prisma.InputJsonValue): Promise<void> {
  await db.trial.update({ where: { id: trialId }, data: { checkpoint } });
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
 * Trials Postgres says still need a worker (queued, or running untouched since `runningOlderThan`),
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
 * Which of `trialIds` exist in this database: a worker whose claim came back empty tells a
 * trial that is finished or cancelled (nothing to do) from one that is not here at all (its job
 * came from another database: a misconfigured DATABASE_URL or queue prefix).
 */
export async function findTrialIds(db: DbClient, trialIds: string[]): Promise<Set<string>> {
  const ids = trialIds.filter(isUuid);
  if (ids.length === 0) return new Set();
  const rows = await db.trial.findMany({ where: { id: { in: ids } }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
