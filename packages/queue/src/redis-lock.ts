import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Runs `fn` only if no other process holds the lock: several API instances can all run the
 * reconciler and only one does a pass at a time. The lock expires by itself, so a holder
 * that dies mid-pass blocks the others for `ttlMs` at most.
 * @returns whether `fn` ran.
 */
export async function withRedisLock(redis: Redis, key: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return false;
  try {
    await fn();
  } finally {
    // Delete only our own lock: after a slow pass it may have expired and been taken by another.
    await redis
      .eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`, 1, key, token)
      .catch(() => {});
  }
  return true;
}
