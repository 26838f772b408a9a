import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, QueueCounts } from '@lrsweep/contracts';
import { listTrainers, queueCounts } from '@lrsweep/queue';

export const queueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/queue', { schema: { summary: 'Trial queue counts and live workers, for the built-in trainer and each external one', response: { 200: QueueCounts, 503: ErrorBody } } }, async () => {
    const trainers = await listTrainers(app.redis, app.config.queuePrefix);
    const [builtIn, ...external] = await Promise.all([queueCounts(app.trialQueue), ...trainers.map((t) => queueCounts(app.trialQueueFor(t)))]);
    return { ...builtIn!, trainers: Object.fromEntries(trainers.map((t, i) => [t, external[i]!])) };
  });
};
