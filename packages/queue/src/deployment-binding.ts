import type { Redis } from 'ioredis';
import { connectRedis, createRedis } from './redis-connection.ts';

/**
 * A queue prefix belongs to one deployment (one database): its first process binds it with SET
 * NX, and every process after checks the binding. Two deployments sharing a Redis and a prefix
 * would otherwise take each other's jobs, find no such trial in their own database, and
 * swallow them.
 */
export const deploymentKey = (prefix: string) => `${prefix}:deployment`;

/**
 * Binds `prefix` to `deploymentId` unless it is bound already (after a Redis restart or flush
 * the next caller binds it again), and returns the deployment that owns it.
 */
export async function bindPrefix(redis: Redis, prefix: string, deploymentId: string): Promise<string> {
  const key = deploymentKey(prefix);
  await redis.set(key, deploymentId, 'NX');
  return (await redis.get(key)) ?? deploymentId;
}

export class ForeignPrefixError extends Error {
  constructor(prefix: string, owner: string, deploymentId: string) {
    super(
      `queue prefix '${prefix}' in this Redis belongs to another deployment (${owner}), not to this database's (${deploymentId}): ` +
        `give this deployment its own LRSWEEP_QUEUE_PREFIX, or set DATABASE_URL to the database of the deployment that owns '${prefix}'`,
    );
    this.name = 'ForeignPrefixError';
  }
}

/** Binds `prefix` to `deploymentId`, or throws ForeignPrefixError when another deployment owns it. */
export async function claimPrefix(redis: Redis, prefix: string, deploymentId: string): Promise<void> {
  const owner = await bindPrefix(redis, prefix, deploymentId);
  if (owner !== deploymentId) throw new ForeignPrefixError(prefix, owner, deploymentId);
}

/** claimPrefix on a connection of its own, for boot checks of processes that have none yet (workers). */
export async function claimPrefixAt(redisUrl: string, prefix: string, deploymentId: string): Promise<void> {
  const redis = await connectRedis(createRedis(redisUrl, 'producer', { retryStrategy: () => null }));
  try {
    await claimPrefix(redis, prefix, deploymentId);
  } finally {
    redis.disconnect();
  }
}
