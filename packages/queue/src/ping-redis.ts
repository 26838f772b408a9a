import { redactUrl } from '@lrsweep/config';
import { createRedis } from './redis-connection.ts';

/** Fails with one line naming the unreachable Redis, for boot-time checks. */
export async function pingRedis(url: string): Promise<void> {
  const redis = createRedis(url, 'producer', { retryStrategy: () => null, connectTimeout: 3_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis at ${redactUrl(url)} is unreachable (${(err as Error).message}). Start one: docker compose up -d redis, or apt-get install redis-server`);
  } finally {
    redis.disconnect();
  }
}
