import { randomUUID } from 'node:crypto';
import { inTransaction, type DbClient, type Prisma } from './client.ts';
import type { TrialState } from './generated/prisma/enums.ts';
import { isUuid } from './ids.ts';
import { FINISHED_TRIAL_STATES } from './trial-counts.ts';

// Successive halving's rungs in Postgres: a rung is the trials of a sweep with one `rung`
// number; the worker reads the highest one when a trial finishes and, once all of it is
// finished, writes the next (apps/worker/src/halving/advance-halving.ts).

export interface RungTrial {
  scheduleKey: string;
  schedule: Prisma.JsonValue;
  seed: number;
  state: TrialState;
  objective: number | null;
}

export interface RungView {
  rung: number;
  trials: RungTrial[];
  /** Every trial of the rung is in a finished state. */
  finished: boolean;
}

/** The sweep's highest rung, or null for a sweep without rungs (a grid). */
export async function currentRung(db: DbClient, sweepId: string): Promise<RungView | null> {
  if (!isUuid(sweepId)) return null;
  const top = await db.trial.aggregate({ where: { sweepId }, _max: { rung: true } });
  const rung = top._max.rung;
  if (rung === null) return null;
  const trials = await db.trial.findMany({
    where: { sweepId, rung },
    select: { scheduleKey: true, schedule: true, seed: true, state: true, objective: true },
    orderBy: { index: 'asc' },
  });
  return { rung, trials, finished: trials.every((t) => FINISHED_TRIAL_STATES.includes(t.state)) };
}

export interface AdvanceRungInput {
  sweepId: string;
  /** The rung that has finished. */
  fromRung: number;
  /** The next rung's length in epochs. */
  budgetEpochs: number;
  /** scheduleKeys that go on: each gets a trial per seed it had at `fromRung`, at rung fromRung + 1. */
  promoted: string[];
  /** Configurations that go no further: their completed trials at `fromRung` end `stopped` with the reason. */
  stopped: Array<{ key: string; reason: string }>;
}

/**
 * Closes a finished rung and opens the next, in one transaction under the sweep's row lock, so
 * two workers finishing the rung's last trials at once advance it once: the second finds the
 * next rung there and gets null, as does a cancelled sweep.
 * @returns the new trials' ids (to enqueue), or null when there was nothing to do.
 */
export async function advanceRung(db: DbClient, input: AdvanceRungInput): Promise<string[] | null> {
  const { sweepId, fromRung } = input;
  if (!isUuid(sweepId)) return null;
  return inTransaction(db, async (tx) => {
    const locked = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "Sweep" WHERE id = ${sweepId}::uuid FOR UPDATE`;
    if (!locked[0] || locked[0].status === 'cancelled') return null;
    if ((await tx.trial.count({ where: { sweepId, rung: { gt: fromRung } } })) > 0) return null;
    // A stopped configuration's trials keep their results; only their state and reason change.
    for (const { key, reason } of input.stopped) {
      await tx.trial.updateMany({ where: { sweepId, rung: fromRung, scheduleKey: key, state: 'completed' }, data: { state: 'stopped', stopReason: reason } });
    }
    const from = await tx.trial.findMany({
      where: { sweepId, rung: fromRung, scheduleKey: { in: input.promoted } },
      select: { scheduleKey: true, schedule: true, seed: true },
      orderBy: { index: 'asc' },
    });
    const last = await tx.trial.aggregate({ where: { sweepId }, _max: { index: true }, _count: { _all: true } });
    // In promotion (rank) order, so the next rung's indexes read best first.
    const order = new Map(input.promoted.map((k, i) => [k, i]));
    from.sort((a, b) => order.get(a.scheduleKey)! - order.get(b.scheduleKey)!);
    const ids = from.map(() => randomUUID());
    const first = (last._max.index ?? -1) + 1;
    if (from.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "Trial" (id, "sweepId", "index", "scheduleKey", schedule, seed, rung, "budgetEpochs", "updatedAt")
        SELECT t.id, ${sweepId}::uuid, ${first} + t.n - 1, t.key, t.schedule::jsonb, t.seed, ${fromRung + 1}, ${input.budgetEpochs}, now()
          FROM unnest(${ids}::uuid[], ${from.map((t) => t.scheduleKey)}::text[],
                      ${from.map((t) => JSON.stringify(t.schedule))}::text[], ${from.map((t) => t.seed)}::int[])
               WITH ORDINALITY AS t(id, key, schedule, seed, n)`;
      await tx.sweep.update({ where: { id: sweepId }, data: { totalTrials: last._count._all + from.length } });
    }
    return ids;
  });
}

export interface RungSummary {
  rung: number;
  /** Configurations (schedules) trained at the rung. */
  configurations: number;
  trials: number;
  /** Configurations stopped at the rung. */
  stopped: number;
}

export interface HalvingSummary {
  rungs: RungSummary[];
  /** Epochs trained by all the sweep's trials so far. */
  epochsSpent: number;
  /** Distinct configurations and seeds: the full grid is their product. */
  configurations: number;
  seeds: number;
}

/** What a successive-halving sweep's detail shows: each rung, and the epochs it has cost. */
export async function halvingSummary(db: DbClient, sweepId: string): Promise<HalvingSummary | null> {
  if (!isUuid(sweepId)) return null;
  const [rungs, totals] = await Promise.all([
    db.$queryRaw<RungSummary[]>`
      SELECT rung, count(DISTINCT "scheduleKey")::int AS configurations, count(*)::int AS trials,
             count(DISTINCT "scheduleKey") FILTER (WHERE state = 'stopped')::int AS stopped
        FROM "Trial" WHERE "sweepId" = ${sweepId}::uuid AND rung IS NOT NULL
       GROUP BY rung ORDER BY rung`,
    db.$queryRaw<Array<{ epochs: number; configurations: number; seeds: number }>>`
      SELECT coalesce(sum("epochsDone"), 0)::int AS epochs, count(DISTINCT "scheduleKey")::int AS configurations, count(DISTINCT seed)::int AS seeds
        FROM "Trial" WHERE "sweepId" = ${sweepId}::uuid`,
  ]);
  const t = totals[0] ?? { epochs: 0, configurations: 0, seeds: 0 };
  return { rungs, epochsSpent: t.epochs, configurations: t.configurations, seeds: t.seeds };
}
