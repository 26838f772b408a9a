import fp from 'fastify-plugin';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '@lrsweep/db';
import type { TrialJob } from '@lrsweep/contracts';
import type { Config } from '@lrsweep/config';

export interface Services {
  db: PrismaClient;
  trialQueue: Queue<TrialJob>;
  /** The producer connection the queue uses; health checks ping it. */
  redis: Redis;
  config: Readonly<Config>;
}

declare module 'fastify' {
  interface FastifyInstance extends Services {}
}

/**
 * Hands the infrastructure clients to the routes and owns their shutdown: `app.close()`
 * closes the queue, disconnects Postgres and quits Redis, so tests and the server stop the same way.
 */
export const servicesPlugin = fp<Services>(async (app, services) => {
  app.decorate('db', services.db);
  app.decorate('trialQueue', services.trialQueue);
  app.decorate('redis', services.redis);
  app.decorate('config', services.config);
  app.addHook('onClose', async () => {
    await services.trialQueue.close();
    await services.db.$disconnect();
    await services.redis.quit().catch(() => services.redis.disconnect());
  });
});
