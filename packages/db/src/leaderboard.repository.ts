import { Prisma, type DbClient } from './client.ts';
import { isUuid } from './ids.ts';
import type { ObjectiveMode } from './sweeps.repository.ts';

export interface LeaderboardEntry {
  rank: number;
  /** One of the group's schedules (they differ by seed only): the lowest seed's. */
  schedule: Prisma.JsonValue;
  mean: number;
  /** Sample standard deviation over seeds; 0 for a single seed. */
  std: number;
  n: number;
  /** The group's trial ids, by seed. */
  trials: string[];
}

export interface Leaderboard {
  metric: string;
  mode: ObjectiveMode;
  entries: LeaderboardEntry[];
}

interface Row {
  schedule: Prisma.JsonValue;
  mean: number;
  std: number;
  n: number;
  trials: string[];
}

/**
 * Completed trials grouped by schedule, best mean objective first. Aggregated in Postgres so a
 * 10,000-trial sweep is one indexed scan rather than 10,000 rows shipped to Node.
 * @returns null when the sweep does not exist (in `project`, if given).
 */
export async function leaderboard(db: DbClient, sweepId: string, project?: string): Promise<Leaderboard | null> {
  if (!isUuid(sweepId)) return null;
  const sweep = await db.sweep.findFirst({
    where: { id: sweepId, ...(project === undefined ? {} : { project }) },
    select: { objectiveMetric: true, objectiveMode: true },
  });
  if (!sweep) return null;
  const mode: ObjectiveMode = sweep.objectiveMode === 'max' ? 'max' : 'min';
  const direction = mode === 'max' ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  // Aggregates first, then one schedule per group by its first trial's index: aggregating the
  // JSON schedules of 10,000 trials cost more than all the statistics together.
  const rows = await db.$queryRaw<Row[]>`
    WITH g AS (
      SELECT "scheduleKey",
             avg(objective) AS mean,
             coalesce(stddev_samp(objective), 0) AS std,
             count(*)::int AS n,
             json_agg(id ORDER BY seed, "index") AS trials,
             min("index") AS first
        FROM "Trial"
       WHERE "sweepId" = ${sweepId}::uuid AND state = 'completed' AND objective IS NOT NULL
       GROUP BY "scheduleKey"
    )
    SELECT t.schedule, g.mean, g.std, g.n, g.trials
      FROM g JOIN "Trial" t ON t."sweepId" = ${sweepId}::uuid AND t."index" = g.first
     ORDER BY g.mean ${direction}, g."scheduleKey"`;
  return {
    metric: sweep.objectiveMetric,
    mode,
    entries: rows.map((r, i) => ({ rank: i + 1, ...r, mean: Number(r.mean), std: Number(r.std) })),
  };
}
