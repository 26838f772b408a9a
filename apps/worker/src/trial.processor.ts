import type { SandboxedJob } from 'bullmq';
import type { TrialJob } from '@lrsweep/contracts';
import { createLogger, loadConfig } from '@lrsweep/config';
import { loadBuiltinRunner } from './builtin.runner.ts';
import { createTrialProcessor } from './create-trial-processor.ts';
import type { TrialResult } from './trial-hooks.ts';

/**
 * Runs in a child process BullMQ forks (a sandboxed processor): training blocks its thread
 * for seconds at a time, and here that cannot stop the parent's event loop from renewing
 * job locks, so a healthy trial is never marked stalled. The child lives across jobs, so the
 * config, the database pool, the backend and the datasets load once per process.
 */
const config = loadConfig();
const logger = createLogger('worker', config.logLevel).child({ worker: config.workerName });
const processor = createTrialProcessor(config, logger, { poolSize: 2 });
const runner = loadBuiltinRunner(config);

// A worker killed with SIGKILL cannot stop this child, but its IPC channel closes: exit at
// once, or this orphan would keep training a trial that another worker resumes.
process.on('disconnect', () => process.exit(1));

export default async function processTrial(job: SandboxedJob<TrialJob>, token?: string, signal?: AbortSignal): Promise<TrialResult> {
  return processor.process(job, token, signal, await runner);
}
