// What every way of growing a sweep shares (sweep-growth.repository.ts: rerun and extend;
// sweep-advance.repository.ts: a strategy's next round): the sweep's row lock, the insert of
// new trials after its last index, and turning a finished sweep back to `running`.
// Internal to the package: callers go through those two files.
import { randomUUID } from 'node:crypto';
import { Prisma, type TransactionClient } from './client.ts';
import type { SweepStatus } from './generated/prisma/enums.ts';

/** The sweep row, locked for the rest of the transaction; null when it does not exist (in `project`, if given). */
export async function lockSweep(tx: TransactionClient, sweepId: string, project: string | undefined): Promise<{ status: SweepStatus } | null> {
  const inProject = project === undefined ? Prisma.empty : Prisma.sql`AND project = ${project}`;
  const rows = await tx.$queryRaw<{ status: SweepStatus }[]>`
    SELECT status FROM "Sweep" WHERE id = ${sweepId}::uuid ${inProject} FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * A finished sweep with work again goes back to `running` and loses its finishedAt; cancelling
 * too is undone, since asking for more work is the user taking the cancel back.
 */
export async function reopenSweep(tx: TransactionClient, sweepId: string, totalTrials: number): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Sweep"
       SET "totalTrials" = ${totalTrials},
           status = CASE WHEN status = 'queued' THEN status ELSE 'running' END,
           "finishedAt" = NULL, "updatedAt" = now()
     WHERE id = ${sweepId}::uuid`;
}

export interface NewTrial {
  /** As the user wrote it, grid axes resolved. */
  schedule: Prisma.InputJsonValue;
  /** Its canonical form's key: equal keys are one configuration. */
  scheduleKey: string;
  seed: number;
  /** Why it was added after the sweep started; null for what the user asked for. */
  reason?: string | null;
}

/** Inserts `trials` queued, indexed from `first` on in order; returns their new ids. */
export async function insertTrials(tx: TransactionClient, sweepId: string, first: number, trials: readonly NewTrial[]): Promise<string[]> {
  const ids = trials.map(() => randomUUID());
  if (trials.length === 0) return ids;
  await tx.$executeRaw`
    INSERT INTO "Trial" (id, "sweepId", "index", "scheduleKey", schedule, seed, reason, "updatedAt")
    SELECT t.id, ${sweepId}::uuid, ${first} + t.n - 1, t.key, t.schedule::jsonb, t.seed, t.reason, now()
      FROM unnest(${ids}::uuid[], ${trials.map((a) => a.scheduleKey)}::text[], ${trials.map((a) => JSON.stringify(a.schedule))}::text[],
                  ${trials.map((a) => a.seed)}::int[], ${trials.map((a) => a.reason ?? null)}::text[])
           WITH ORDINALITY AS t(id, key, schedule, seed, reason, n)`;
  return ids;
}
