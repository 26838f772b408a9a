import fp from 'fastify-plugin';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '@lrsweep/db';
import type { TrialJob } from '@lrsweep/contracts';
import type { Config } from '@lrsweep/config';
import { createTrialQueue } from '@lrsweep/queue';

export interface Services {
  db: PrismaClient;
  trialQueue: Queue<TrialJob>;
  /** The producer connection the queue uses; health checks ping it. */
  redis: Redis;
  config: Readonly<Config>;
}

declare module 'fastify' {
  interface FastifyInstance extends Services {
    /** The queue of the built-in trainer (no name) or of the external trainer `trainer` (trialQueueName). */
    trialQueueFor(trainer?: string): Queue<TrialJob>;
  }
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
  // External trainers' queues, on the same producer connection, made on first use.
  const trainerQueues = new Map<string, Queue<TrialJob>>();
  app.decorate('trialQueueFor', (trainer?: string) => {
    if (trainer === undefined) return services.trialQueue;
    let queue = trainerQueues.get(trainer);
    if (!queue) trainerQueues.set(trainer, (queue = createTrialQueue(services.redis, services.config.queuePrefix, trainer)));
    return queue;
  });
  app.addHook('onClose', async () => {
    await Promise.all([...trainerQueues.values()].map((q) => q.close()));
    await services.trialQueue.close();
    await services.db.$disconnect();
    await services.redis.quit().catch(() => services.redis.disconnect());
  });
});
