import type { DbClient } from './client.ts';

export interface ProjectQueueCount {
  /** The external trainer whose queue the trials wait in; null for the built-in one. */
  trainer: string | null;
  queued: number;
  running: number;
}

/**
 * One project's queued and running trials, by trainer: what `/v1/queue` shows a project key,
 * since BullMQ's counts cover every project on the queue.
 */
export async function projectQueueCounts(db: DbClient, project: string): Promise<ProjectQueueCount[]> {
  const rows = await db.$queryRaw<Array<{ trainer: string | null; queued: number; running: number }>>`
    SELECT t.trainer,
           count(*) FILTER (WHERE t.state = 'queued')::int AS queued,
           count(*) FILTER (WHERE t.state = 'running')::int AS running
      FROM "Trial" t JOIN "Sweep" s ON s.id = t."sweepId"
     WHERE s.project = ${project} AND t.state IN ('queued', 'running')
     GROUP BY t.trainer`;
  return rows;
}
