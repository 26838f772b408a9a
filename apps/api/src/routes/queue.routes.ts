import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, QueueCounts, type QueueStateCounts } from '@lrsweep/contracts';
import { projectQueueCounts } from '@lrsweep/db';
import { listTrainers, queueCounts } from '@lrsweep/queue';

export const queueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/queue',
    {
      schema: {
        summary:
          "Trial queue counts and live workers, for the built-in trainer and each external one. A project key sees its own project's queued (waiting) and running (active) trials only, and 0 for the queue-wide completed, failed and delayed; an admin key sees the whole queue",
        response: { 200: QueueCounts, 503: ErrorBody },
      },
    },
    async (request) => {
      const trainers = await listTrainers(app.redis, app.config.queuePrefix);
      const [builtIn, ...external] = await Promise.all([queueCounts(app.trialQueue), ...trainers.map((t) => queueCounts(app.trialQueueFor(t)))]);
      if (request.admin) return { ...builtIn!, trainers: Object.fromEntries(trainers.map((t, i) => [t, external[i]!])) };
      // The queue holds every project's jobs: a project key gets its own trials from Postgres, and the workers (capacity, not data).
      const mine = await projectQueueCounts(app.db, request.project);
      const scoped = (trainer: string | null, workers: number): QueueStateCounts => {
        const c = mine.find((m) => m.trainer === trainer);
        return { waiting: c?.queued ?? 0, active: c?.running ?? 0, completed: 0, failed: 0, delayed: 0, workers };
      };
      return { ...scoped(null, builtIn!.workers), trainers: Object.fromEntries(trainers.map((t, i) => [t, scoped(t, external[i]!.workers)])) };
    },
  );
};
