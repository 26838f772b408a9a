import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, QueueCounts } from '@lrsweep/contracts';
import { queueCounts } from '@lrsweep/queue';

export const queueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/queue', { schema: { summary: 'Trial queue counts and live workers', response: { 200: QueueCounts, 503: ErrorBody } } }, async () =>
    queueCounts(app.trialQueue),
  );
};
