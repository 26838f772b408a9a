import { rankSchedules, type Difference, type Interval } from '@lrsweep/stats';
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
  /** The group's completed trial ids, by seed. */
  trials: string[];
  /** 95% t interval of the mean over seeds; null for one seed. */
  ci: Interval | null;
  /** This entry minus the best, paired by seed where they share seeds. */
  vsBest: Difference;
  /** Not significantly different from the best at 95%; null when no interval can say. */
  tiedWithBest: boolean | null;
  /** Seeds that diverged: the entry ranks below every schedule that diverged on none. */
  diverged: number;
  /** Seeds that failed: missing, not counted in n. */
  failed: number;
}

export interface Leaderboard {
  metric: string;
  mode: ObjectiveMode;
  entries: LeaderboardEntry[];
}

interface Row {
  schedule: Prisma.JsonValue;
  /** Completed trials as `[seed, objective, id]`, by seed. */
  runs: Array<[number, number, string]>;
  diverged: number;
  failed: number;
}

/**
 * Finished trials grouped by schedule, best first (see @lrsweep/stats rankSchedules for the
 * order and the rule for diverged seeds). Postgres groups a 10,000-trial sweep in one indexed
 * scan and ships one row per schedule with its per-seed objectives; the statistics (paired by
 * seed, so they need the seeds) are computed here.
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
  // Aggregates first, then one schedule per group by its first trial's index: aggregating the
  // JSON schedules of 10,000 trials cost more than all the statistics together. A schedule with
  // no completed seed has nothing to rank and is left out (its trials say why).
  const rows = await db.$queryRaw<Row[]>`
    WITH g AS (
      SELECT "scheduleKey",
             json_agg(json_build_array(seed, objective, id) ORDER BY seed, "index")
               FILTER (WHERE state = 'completed' AND objective IS NOT NULL) AS runs,
             count(*) FILTER (WHERE state = 'diverged')::int AS diverged,
             count(*) FILTER (WHERE state = 'failed')::int AS failed,
             min("index") FILTER (WHERE state = 'completed' AND objective IS NOT NULL) AS first
        FROM "Trial"
       WHERE "sweepId" = ${sweepId}::uuid AND state IN ('completed', 'diverged', 'failed')
       GROUP BY "scheduleKey"
    )
    SELECT t.schedule, g.runs, g.diverged, g.failed
      FROM g JOIN "Trial" t ON t."sweepId" = ${sweepId}::uuid AND t."index" = g.first
     ORDER BY g."scheduleKey"`;
  const ranked = rankSchedules(
    rows.map((r) => ({ key: r, completed: r.runs.map(([seed, objective]) => [seed, objective] as const), diverged: r.diverged, failed: r.failed })),
    mode,
  );
  return {
    metric: sweep.objectiveMetric,
    mode,
    entries: ranked.map(({ key: r, rank, mean, std, n, ...stats }) => ({ rank, schedule: r.schedule, mean, std, n, trials: r.runs.map(([, , id]) => id), ...stats })),
  };
}
