import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FINISHED_TRIAL_STATES } from '@lrsweep/contracts';
import type { Worker } from '@lrsweep/queue';
import { isTrialProgress } from './metrics.hooks.ts';
import { isUnknownTrialError } from './unknown-trial.ts';


/**
 * A worker process's Prometheus metrics, fed by the 'progress' events its trials send (see
 * metrics.hooks.ts) and the failures of its jobs, on every trial queue it takes jobs from (the
 * built-in one and each trainer's). One Registry per call, so tests can build several.
 */
export function workerMetrics(workers: Worker[]): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const epochSeconds = new Histogram({
    name: 'lrsweep_worker_epoch_duration_seconds',
    help: 'Wall time of one training epoch, validation included',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  });
  const trialSeconds = new Histogram({
    name: 'lrsweep_worker_trial_duration_seconds',
    help: 'Wall time of one trial attempt, by final state',
    labelNames: ['state'],
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers,
  });
  const samplesPerSecond = new Gauge({
    name: 'lrsweep_worker_samples_per_second',
    help: 'Training samples per second over the last epoch this worker finished',
    registers,
  });
  const finished = new Counter({ name: 'lrsweep_worker_trials_finished_total', help: 'Trials this worker finished, by state', labelNames: ['state'], registers });
  // Every state from the start, so rate() sees a 0 before the first increment.
  for (const state of FINISHED_TRIAL_STATES) finished.inc({ state }, 0);

  const unknown = new Counter({
    name: 'lrsweep_worker_unknown_trial_jobs_total',
    help: "Jobs failed because their trial is not in this worker's database (check DATABASE_URL and LRSWEEP_QUEUE_PREFIX)",
    registers,
  });
  unknown.inc(0);

  for (const worker of workers) {
    worker.on('progress', (_job, progress) => {
      if (!isTrialProgress(progress)) return;
      for (const seconds of progress.epochSeconds ?? []) epochSeconds.observe(seconds);
      if (progress.samplesPerSecond !== undefined) samplesPerSecond.set(progress.samplesPerSecond);
      if (progress.finished) {
        finished.inc({ state: progress.finished.state });
        trialSeconds.observe({ state: progress.finished.state }, progress.finished.seconds);
      }
    });
    worker.on('failed', (_job, err) => {
      if (isUnknownTrialError(err)) unknown.inc();
    });
  }
  return registry;
}

/** Serves `GET /metrics` from `registry` on a plain node:http server (a worker has no Fastify). */
export async function startMetricsServer(registry: Registry, { port, host }: { port: number; host: string }): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
