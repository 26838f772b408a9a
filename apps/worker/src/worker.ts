import { fileURLToPath } from 'node:url';
import { createLogger, loadConfig, onShutdown, redactUrl } from '@lrsweep/config';
import { pingDatabase } from '@lrsweep/db';
import { QUEUES, Worker, createRedis, pingRedis } from '@lrsweep/queue';
import { startMetricsServer, workerMetrics } from './metrics-server.ts';

const processorFile = fileURLToPath(new URL('./trial.processor.ts', import.meta.url));

/**
 * Boots one worker process: checks Postgres and Redis, then takes trial jobs and hands each
 * to the sandboxed processor. `gpu` pins the training child to one GPU.
 */
export async function startWorker(options: { gpu?: number } = {}): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel).child({ worker: config.workerName });
  await pingDatabase(config.databaseUrl);
  await pingRedis(config.redisUrl);
  if (options.gpu !== undefined) process.env.CUDA_VISIBLE_DEVICES = String(options.gpu);

  const connection = createRedis(config.redisUrl, 'worker');
  const worker = new Worker(QUEUES.trials, processorFile, {
    connection,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    // An epoch can take a while on a slow backend; the parent renews the lock meanwhile.
    lockDuration: 60_000,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => logger.warn({ err: err.message }, 'worker connection error'));
  worker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: err.message }, 'trial job failed'));
  // Prometheus scrapes each worker directly; off unless LRSWEEP_METRICS_PORT is set.
  // A port already taken (several workers on one host, one env) costs the metrics, not the worker.
  const metrics = config.metricsPort
    ? await startMetricsServer(workerMetrics(worker), { port: config.metricsPort, host: config.host }).catch((err: Error) => {
        logger.warn({ err: err.message, port: config.metricsPort }, 'worker metrics endpoint not started');
        return undefined;
      })
    : undefined;
  if (metrics) logger.info({ url: metrics.url }, 'worker metrics');
  onShutdown(logger, [
    ['worker', () => worker.close()],
    ['metrics', async () => metrics?.close()],
    ['redis', () => connection.quit()],
  ]);
  logger.info({ redis: redactUrl(config.redisUrl), concurrency: config.workerConcurrency, gpu: options.gpu }, 'worker ready for trials');
}
