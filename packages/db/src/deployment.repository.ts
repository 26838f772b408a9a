import type { DbClient } from './client.ts';

/**
 * This database's deployment id (the Deployment table's one row, made by its migration). The
 * queue prefix in Redis is bound to it, so workers of one deployment never take another's trials.
 */
export async function readDeploymentId(db: DbClient): Promise<string> {
  const row = await db.deployment.findFirst({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } }).catch((err: Error) => {
    throw new Error(`could not read this database's deployment id (${err.message}); has 'lrsweep migrate' (npm run db:migrate) run on it?`);
  });
  if (!row) throw new Error("this database has no deployment id (its Deployment row was deleted); run 'lrsweep migrate' on a fresh database");
  return row.id;
}

/** Gives a database a new deployment id: for a copy of another deployment's database (tests clone one template). */
export async function renewDeploymentId(db: DbClient): Promise<string> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`UPDATE "Deployment" SET id = gen_random_uuid() RETURNING id::text AS id`;
  return rows[0]!.id;
}
