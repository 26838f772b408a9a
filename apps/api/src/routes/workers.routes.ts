import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, WorkerList, type WorkerInfo } from '@lrsweep/contracts';
import type { DbClient } from '@lrsweep/db';
import { listWorkers } from '@lrsweep/queue';

/**
 * `workers` with each one's currentTrials cut to `project`'s trials: workers are shared, but a
 * trial id is data of its project. One query for every worker's trials.
 */
async function scopeToProject(db: DbClient, workers: WorkerInfo[], project: string): Promise<WorkerInfo[]> {
  const ids = workers.flatMap((w) => w.currentTrials);
  if (ids.length === 0) return workers;
  const own = await db.trial.findMany({ where: { id: { in: ids }, sweep: { project } }, select: { id: true } });
  const visible = new Set(own.map((t) => t.id));
  return workers.map((w) => ({ ...w, currentTrials: w.currentTrials.filter((id) => visible.has(id)) }));
}

export const workersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workers',
    {
      schema: {
        summary: "Live worker processes, as each last reported itself (a dead one drops out after its TTL); a project key sees only its own project's current trials",
        response: { 200: WorkerList, 503: ErrorBody },
      },
    },
    async (request) => {
      const workers = await listWorkers(app.redis, app.config.queuePrefix);
      return { items: request.admin ? workers : await scopeToProject(app.db, workers, request.project) };
    },
  );
};
