import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producers (the API) fail fast so a request never hangs on a dead Redis; workers block on
 * Redis by design, so BullMQ requires `maxRetriesPerRequest: null` for them. The URL's
 * database index (`redis://host:6379/2`) is honoured by ioredis itself.
 */
export function createRedis(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: true,
    ...extra,
  });
}

/** Opens a lazily created connection and waits until it answers. */
export async function connectRedis(redis: Redis): Promise<Redis> {
  if (redis.status === 'wait') await redis.connect();
  else if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  return redis;
}
