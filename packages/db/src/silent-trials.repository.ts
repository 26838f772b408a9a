import type { DbClient } from './client.ts';

/** Of `trialIds`, the unfinished ones (queued or running) whose row has not changed since `before`. */
export async function listSilentTrials(db: DbClient, trialIds: string[], before: Date): Promise<string[]> {
  if (trialIds.length === 0) return [];
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT id::text AS id FROM "Trial"
     WHERE id = ANY(${trialIds}::uuid[]) AND state IN ('queued', 'running') AND "updatedAt" < ${before}`;
  return rows.map((r) => r.id);
}
