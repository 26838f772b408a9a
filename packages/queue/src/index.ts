export * from './queue-names.ts';
export * from './redis-connection.ts';
export * from './trial-queue.ts';
export { Worker, UnrecoverableError, type Job, type Queue } from 'bullmq';
export * from './ping-redis.ts';
export * from './sweep-events.ts';
export * from './trainer-registry.ts';
export * from './worker-registry.ts';
export * from './reconcile.ts';
