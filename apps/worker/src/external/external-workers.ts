import type { Redis } from 'ioredis';
import type { TrialJob } from '@lrsweep/contracts';
import type { Config, Logger } from '@lrsweep/config';
import { advertiseTrainers, trialQueueName, type Worker } from '@lrsweep/queue';
import { createTrialProcessor } from '../create-trial-processor.ts';
import { closeTrialWorker, createTrialWorker } from '../create-trial-worker.ts';
import type { TrialResult } from '../trial-hooks.ts';
import type { WorkerConfig } from '../worker-config.ts';
import { createScriptPool } from './script-pool.ts';
import { createScriptRunner } from './script.runner.ts';

export interface ExternalWorkers {
  workers: Array<Worker<TrialJob, TrialResult>>;
  /** Stops each running script (SIGTERM, then SIGKILL), gives its trial back, lets the warm processes go, and closes. */
  close(): Promise<void>;
}

/**
 * One BullMQ worker per declared trainer, on that trainer's queue only, so this process never
 * receives a trial it cannot run. These processors run in the worker process itself, not in a
 * sandbox: training happens in the script's process, and the event loop here only waits on it.
 */
export async function startExternalWorkers(opts: {
  config: Readonly<Config>;
  logger: Logger;
  workerConfig: WorkerConfig;
  connection: Redis;
  gpu?: number;
}): Promise<ExternalWorkers | null> {
  const { config, logger, workerConfig } = opts;
  const names = [...workerConfig.trainers.keys()];
  if (names.length === 0) return null;
  const processor = createTrialProcessor(config, logger, { poolSize: 2 });
  const pools = [...workerConfig.trainers.values()].map((trainer) => createScriptPool(trainer, workerConfig, opts.gpu, logger.child({ trainer: trainer.name })));
  const workers = [...workerConfig.trainers.values()].map((trainer, i) => {
    const runner = createScriptRunner(trainer, workerConfig, pools[i]!);
    const log = logger.child({ trainer: trainer.name });
    return createTrialWorker(trialQueueName(trainer.name), (job, token, signal) => processor.process(job, token, signal, runner), { connection: opts.connection, config, logger: log });
  });
  await advertiseTrainers(opts.connection, config.queuePrefix, names, config.workerName);
  logger.info({ trainers: names, config: workerConfig.file }, 'external trainers ready');
  return {
    workers,
    async close() {
      await Promise.all(workers.map(closeTrialWorker));
      await Promise.all(pools.map((p) => p.close()));
      await processor.close();
    },
  };
}
