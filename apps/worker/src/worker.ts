import { createLogger, loadConfig, onShutdown, redactUrl } from '@lrsweep/config';
import { createDb, disconnectDb, pingDatabase, readDeploymentId } from '@lrsweep/db';
import { QUEUES, claimPrefixAt, connectRedis, createRedis, pingRedis } from '@lrsweep/queue';
import { startWorkerHeartbeat } from './worker-heartbeat.ts';
import { startMetricsServer, workerMetrics } from './metrics-server.ts';
import { loadWorkerConfig } from './worker-config.ts';
import { startExternalWorkers } from './external/external-workers.ts';
import { createTrialProcessor } from './create-trial-processor.ts';
import { closeTrialWorker, createTrialWorker } from './create-trial-worker.ts';
import { loadBuiltinRunner } from './builtin.runner.ts';
import { startPackChildren } from './pack-children.ts';
import { packSize } from './pack-size.ts';

/**
 * Backends that never block the thread (the no-op one only sleeps) train in the worker's own
 * process. Every other backend trains in training processes of the worker's own
 * (pack-children.ts), so an epoch cannot stop the worker renewing its job locks.
 */
export function trainsInProcess(backend: string | undefined): boolean {
  return backend === 'noop';
}

/**
 * Boots one worker process: checks Postgres and Redis, then takes trial jobs, gathers those of
 * one sweep into packs (LRSWEEP_PACK) and trains each pack in a training process or, for a
 * backend that never blocks, in this process (trainsInProcess).
 * `gpu` pins training to one GPU.
 */
export async function startWorker(options: { gpu?: number; trainerFlags?: string[] } = {}): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel).child({ worker: config.workerName });
  // The operator's trainers (lrsweep.config.yaml, LRSWEEP_CONFIG, --trainer): read before anything connects, so a bad file fails the boot.
  const workerConfig = loadWorkerConfig({ trainerFlags: options.trainerFlags });
  await pingDatabase(config.databaseUrl);
  await pingRedis(config.redisUrl);
  // A worker on a queue prefix another deployment's database owns would take trials its database lacks: refuse to start.
  const bootDb = createDb(config.databaseUrl);
  await claimPrefixAt(config.redisUrl, config.queuePrefix, await readDeploymentId(bootDb).finally(() => disconnectDb(bootDb)));
  if (options.gpu !== undefined) process.env.CUDA_VISIBLE_DEVICES = String(options.gpu);
  // The training children inherit this name, so trials record the worker the registry lists, not a child's pid.
  process.env.LRSWEEP_WORKER_NAME = config.workerName;

  const connection = createRedis(config.redisUrl, 'worker');
  // LRSWEEP_WORKER_CONCURRENCY packs train at once, each of up to LRSWEEP_PACK trials of one sweep.
  const slots = config.workerConcurrency;
  const children = trainsInProcess(config.backend) ? undefined : await startPackChildren({ slots, logger, checkpointDir: workerConfig.checkpointDir });
  const runner = children ?? (await loadBuiltinRunner(config));
  const pack = { size: packSize(config.pack, runner.backend), slots };
  const concurrency = pack.size * slots;
  // A pack's writes are batched into one statement each, so connections follow packs, not trials.
  const processor = createTrialProcessor(config, logger, { poolSize: Math.min(10, Math.max(2, slots)), pack });
  const worker = createTrialWorker(QUEUES.trials, (job, token, signal) => processor.process(job, token, signal, runner), { connection, config, logger, concurrency });
  const external = await startExternalWorkers({ config, logger, workerConfig, connection, gpu: options.gpu });
  // Prometheus scrapes each worker directly; off unless LRSWEEP_METRICS_PORT is set.
  // A port already taken (several workers on one host, one env) costs the metrics, not the worker.
  const metrics = config.metricsPort
    ? await startMetricsServer(workerMetrics([worker, ...(external?.workers ?? [])]), { port: config.metricsPort, host: config.host }).catch((err: Error) => {
        logger.warn({ err: err.message, port: config.metricsPort }, 'worker metrics endpoint not started');
        return undefined;
      })
    : undefined;
  if (metrics) logger.info({ url: metrics.url }, 'worker metrics');
  // Its own fail-fast connection: a heartbeat must not queue up behind a Redis outage.
  const registryRedis = createRedis(config.redisUrl, 'producer');
  registryRedis.on('error', () => {});
  await connectRedis(registryRedis);
  const registry = startWorkerHeartbeat(worker, registryRedis, config, options.gpu, logger);
  onShutdown(logger, [
    // Scripts are stopped (SIGTERM, then SIGKILL) and their trials given back first, so closing never waits out a long run.
    ['external trainers', async () => external?.close()],
    // Each running trial stops after its current epoch and is given back (closeTrialWorker).
    ['worker', () => closeTrialWorker(worker)],
    ['trial processor', () => processor.close()],
    ['training processes', async () => children?.close()],
    ['registry', () => registry.stop()],
    ['metrics', async () => metrics?.close()],
    ['redis', () => Promise.all([connection.quit(), registryRedis.quit()])],
  ]);
  logger.info({ redis: redactUrl(config.redisUrl), backend: runner.backend, packs: slots, pack: pack.size, gpu: options.gpu, inProcess: !children }, 'worker ready for trials');
}
