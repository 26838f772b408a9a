import { createLogger, loadConfig, onShutdown, redactUrl } from '@lrsweep/config';
import { createDb, pingDatabase, readDeploymentId } from '@lrsweep/db';
import { claimPrefix, connectRedis, createRedis, createTrialQueue, pingRedis } from '@lrsweep/queue';
import { buildApp } from './app.ts';

/** Boots the API: checks its services, listens, and stops cleanly on SIGTERM/SIGINT. */
export async function startApi(overrides: { port?: number; host?: string } = {}): Promise<void> {
  const config = { ...loadConfig(), ...overrides };
  const logger = createLogger('api', config.logLevel);
  await pingDatabase(config.databaseUrl);
  await pingRedis(config.redisUrl);

  const db = createDb(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'producer');
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  await connectRedis(redis);
  // Refuse to serve a queue prefix another deployment's database owns (ForeignPrefixError says what to change).
  await claimPrefix(redis, config.queuePrefix, await readDeploymentId(db)).catch(async (err: Error) => {
    redis.disconnect();
    await db.$disconnect();
    throw err;
  });
  const trialQueue = createTrialQueue(redis, config.queuePrefix);
  const app = await buildApp({ logger, db, trialQueue, redis, config });
  onShutdown(logger, [
    ['http, queue, postgres, redis', () => app.close()],
  ]);
  const address = await app.listen({ port: config.port, host: config.host });
  logger.info({ address, database: redactUrl(config.databaseUrl), redis: redactUrl(config.redisUrl) }, `API listening on ${address} (docs at ${address}/docs)`);
}
