import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, WorkerList } from '@lrsweep/contracts';
import { listWorkers } from '@lrsweep/queue';

export const workersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workers',
    { schema: { summary: 'Live worker processes, as each last reported itself (a dead one drops out after its TTL)', response: { 200: WorkerList, 503: ErrorBody } } },
    async () => ({ items: await listWorkers(app.redis, app.config.queuePrefix) }),
  );
};
