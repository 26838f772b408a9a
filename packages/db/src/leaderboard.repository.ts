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
  /**
   * Successive halving: the highest rung the schedule reached, whose results these are; null in
   * a grid sweep. Below the top rung, vsBest is to the best of the entry's own rung and
   * tiedWithBest is null: it was never trained as long as the winner. Absent in a grid sweep.
   */
  rung?: number;
}

export interface Leaderboard {
  metric: string;
  mode: ObjectiveMode;
  entries: LeaderboardEntry[];
}

interface Row {
  schedule: Prisma.JsonValue;
  rung: number | null;
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
  // Successive halving: only each schedule's highest rung counts (its trials' `rung`; all null in
  // a grid), and a trial `stopped` there finished its rung like a completed one.
  const rows = await db.$queryRaw<Row[]>`
    WITH top AS (
      SELECT "scheduleKey", max(rung) AS rung FROM "Trial" WHERE "sweepId" = ${sweepId}::uuid GROUP BY "scheduleKey"
    ), g AS (
      SELECT t."scheduleKey", top.rung,
             json_agg(json_build_array(t.seed, t.objective, t.id) ORDER BY t.seed, t."index")
               FILTER (WHERE t.state IN ('completed', 'stopped') AND t.objective IS NOT NULL) AS runs,
             count(*) FILTER (WHERE t.state = 'diverged')::int AS diverged,
             count(*) FILTER (WHERE t.state = 'failed')::int AS failed,
             min(t."index") FILTER (WHERE t.state IN ('completed', 'stopped') AND t.objective IS NOT NULL) AS first
        FROM "Trial" t JOIN top ON top."scheduleKey" = t."scheduleKey" AND t.rung IS NOT DISTINCT FROM top.rung
       WHERE t."sweepId" = ${sweepId}::uuid AND t.state IN ('completed', 'stopped', 'diverged', 'failed')
       GROUP BY t."scheduleKey", top.rung
    )
    SELECT t.schedule, g.rung, g.runs, g.diverged, g.failed
      FROM g JOIN "Trial" t ON t."sweepId" = ${sweepId}::uuid AND t."index" = g.first
     ORDER BY g."scheduleKey"`;
  return { metric: sweep.objectiveMetric, mode, entries: rankByRung(rows, mode) };
}

/**
 * The highest rung first, then by the result there: a schedule stopped at a rung ranks below
 * every schedule that went further, whatever its mean (the rungs are different lengths of
 * training). In a grid sweep every rung is null: one group, ranked as always.
 */
function rankByRung(rows: Row[], mode: ObjectiveMode): LeaderboardEntry[] {
  const rungs = [...new Set(rows.map((r) => r.rung))].sort((a, b) => (b ?? -1) - (a ?? -1));
  const entries: LeaderboardEntry[] = [];
  for (const [g, rung] of rungs.entries()) {
    const ranked = rankSchedules(
      rows.filter((r) => r.rung === rung).map((r) => ({ key: r, completed: r.runs.map(([seed, objective]) => [seed, objective] as const), diverged: r.diverged, failed: r.failed })),
      mode,
    );
    for (const { key: r, rank: _inRung, mean, std, n, tiedWithBest, ...stats } of ranked) {
      entries.push({ rank: entries.length + 1, schedule: r.schedule, mean, std, n, trials: r.runs.map(([, , id]) => id), ...stats, tiedWithBest: g === 0 ? tiedWithBest : null, ...(rung === null ? {} : { rung }) });
    }
  }
  return entries;
}
