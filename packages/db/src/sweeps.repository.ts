import { randomUUID } from 'node:crypto';
import { inTransaction, Prisma, type DbClient } from './client.ts';
import type { SweepStatus, TrialState } from './generated/prisma/enums.ts';
import { isUuid } from './ids.ts';
import { countsOf, finishedOf, type TrialCounts } from './trial-counts.ts';

export type ObjectiveMode = 'min' | 'max';

export interface NewTrial {
  index: number;
  schedule: Prisma.InputJsonValue;
  scheduleKey: string;
  seed: number;
  /** Successive halving: the rung (0 first) and its length in epochs; absent in a grid sweep. */
  rung?: number;
  budgetEpochs?: number;
}

export interface CreateSweepInput {
  /** @defaultValue 'default' */
  project?: string;
  name: string;
  spec: Prisma.InputJsonValue;
  objectiveMetric: string;
  objectiveMode: ObjectiveMode;
  trials: NewTrial[];
}

export interface SweepView {
  id: string;
  project: string;
  name: string;
  status: SweepStatus;
  spec: Prisma.JsonValue;
  objectiveMetric: string;
  objectiveMode: ObjectiveMode;
  totalTrials: number;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  trials: TrialCounts;
  /** Finished trials over total, 0..1. */
  progress: number;
}

type SweepRow = Omit<SweepView, 'trials' | 'progress' | 'objectiveMode'> & { objectiveMode: string };

export async function createSweepWithTrials(
  db: DbClient,
  input: CreateSweepInput,
): Promise<{ id: string; trialIds: string[] }> {
  const id = randomUUID();
  // Ids are made here rather than by the database so the caller can enqueue jobs by id
  // without reading 10,000 rows back.
  const trialIds = input.trials.map(() => randomUUID());
  await inTransaction(db, async (tx) => {
    await tx.sweep.create({
      data: {
        id,
        project: input.project ?? 'default',
        name: input.name,
        spec: input.spec,
        objectiveMetric: input.objectiveMetric,
        objectiveMode: input.objectiveMode,
        totalTrials: input.trials.length,
      },
    });
    // One INSERT over unnest'ed arrays: createMany splits 10,000 rows into parameter-capped
    // chunks and took seconds; this is one statement with eleven parameters.
    await tx.$executeRaw`
      INSERT INTO "Trial" (id, "sweepId", "index", "scheduleKey", schedule, seed, rung, "budgetEpochs", "updatedAt")
      SELECT t.id, ${id}::uuid, t.idx, t.key, t.schedule::jsonb, t.seed, t.rung, t.budget, now()
        FROM unnest(${trialIds}::uuid[], ${input.trials.map((t) => t.index)}::int[],
                    ${input.trials.map((t) => t.scheduleKey)}::text[],
                    ${input.trials.map((t) => JSON.stringify(t.schedule))}::text[],
                    ${input.trials.map((t) => t.seed)}::int[],
                    ${input.trials.map((t) => t.rung ?? null)}::int[],
                    ${input.trials.map((t) => t.budgetEpochs ?? null)}::int[]) AS t(id, idx, key, schedule, seed, rung, budget)`;
  });
  return { id, trialIds };
}

function toView(row: SweepRow, counts: TrialCounts): SweepView {
  const total = counts.total;
  return {
    ...row,
    objectiveMode: row.objectiveMode === 'max' ? 'max' : 'min',
    trials: counts,
    progress: total === 0 ? 0 : finishedOf(counts) / total,
  };
}

/** A sweep with its trial counts, or null when it does not exist (in `project`, if given). */
export async function getSweep(db: DbClient, id: string, project?: string): Promise<SweepView | null> {
  if (!isUuid(id)) return null;
  // The row and its counts in ONE statement, so from one snapshot: read apart, a claim
  // committing in between showed a running trial in a sweep still called queued.
  const rows = await db.$queryRaw<Array<SweepRow & { counts: Partial<Record<TrialState, number>> | null }>>`
    SELECT s.id::text AS id, s.project, s.name, s.status::text AS status, s.spec, s."objectiveMetric", s."objectiveMode",
           s."totalTrials", s."createdAt", s."updatedAt", s."startedAt", s."finishedAt",
           (SELECT json_object_agg(c.state, c.n) FROM (SELECT state, count(*)::int AS n FROM "Trial" WHERE "sweepId" = s.id GROUP BY state) c) AS counts
      FROM "Sweep" s
     WHERE s.id = ${id}::uuid AND (${project ?? null}::text IS NULL OR s.project = ${project ?? null}::text)`;
  const found = rows[0];
  if (!found) return null;
  const { counts: byState, ...row } = found;
  return toView(row, countsOf(byState));
}

export interface ListSweepsInput {
  /** Every project when omitted. */
  project?: string;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** A page of sweeps, newest first, each with its trial counts. */
export async function listSweeps(
  db: DbClient,
  { project, page, pageSize }: ListSweepsInput,
): Promise<{ items: SweepView[]; total: number }> {
  // Each row, its counts and the total in ONE statement, so from one snapshot, as getSweep:
  // read apart, a claim committing in between showed a running trial in a sweep still called queued.
  const rows = await db.$queryRaw<Array<SweepRow & { counts: Partial<Record<TrialState, number>> | null; total: number }>>`
    SELECT s.id::text AS id, s.project, s.name, s.status::text AS status, s.spec, s."objectiveMetric", s."objectiveMode",
           s."totalTrials", s."createdAt", s."updatedAt", s."startedAt", s."finishedAt",
           (SELECT json_object_agg(c.state, c.n) FROM (SELECT state, count(*)::int AS n FROM "Trial" WHERE "sweepId" = s.id GROUP BY state) c) AS counts,
           count(*) OVER ()::int AS total
      FROM "Sweep" s
     WHERE (${project ?? null}::text IS NULL OR s.project = ${project ?? null}::text)
     ORDER BY s."createdAt" DESC, s.id ASC
     OFFSET ${(Math.max(page, 1) - 1) * pageSize} LIMIT ${pageSize}`;
  // A page past the end has no row to carry the total.
  const total = rows[0]?.total ?? (await db.sweep.count({ where: project === undefined ? {} : { project } }));
  return { items: rows.map(({ counts: byState, total: _total, ...row }) => toView(row, countsOf(byState))), total };
}

export interface CancelSweepResult {
  /** The sweep's status afterwards; a completed or failed sweep is left as it was. */
  status: SweepStatus;
  /** Trials that were queued and are now cancelled: remove their jobs. */
  cancelledTrialIds: string[];
  /** Trials still running: they stop at their next epoch boundary (see isTrialCancelled). */
  runningTrialIds: string[];
}

/** Cancels a sweep's queued trials and marks it cancelled; null when it does not exist (in `project`, if given). */
export async function cancelSweep(db: DbClient, id: string, project?: string): Promise<CancelSweepResult | null> {
  if (!isUuid(id)) return null;
  return inTransaction(db, async (tx) => {
    const inProject = project === undefined ? Prisma.empty : Prisma.sql`AND project = ${project}`;
    const locked = await tx.$queryRaw<{ status: SweepStatus }[]>`
      SELECT status FROM "Sweep" WHERE id = ${id}::uuid ${inProject} FOR UPDATE`;
    const row = locked[0];
    if (!row) return null;
    if (row.status === 'completed' || row.status === 'failed') {
      return { status: row.status, cancelledTrialIds: [], runningTrialIds: [] };
    }
    const now = new Date();
    const cancelled = await tx.trial.updateManyAndReturn({
      where: { sweepId: id, state: 'queued' },
      data: { state: 'cancelled', finishedAt: now },
      select: { id: true },
    });
    const running = await tx.trial.findMany({ where: { sweepId: id, state: 'running' }, select: { id: true } });
    await tx.sweep.update({
      where: { id },
      data: { status: 'cancelled', ...(running.length === 0 ? { finishedAt: now } : {}) },
    });
    return {
      status: 'cancelled' as const,
      cancelledTrialIds: cancelled.map((t) => t.id),
      runningTrialIds: running.map((t) => t.id),
    };
  });
}
