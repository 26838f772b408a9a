import { Gauge, type Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { SWEEP_STATUSES, TRIAL_STATES, type TrialJob } from '@lrsweep/contracts';
import type { PrismaClient } from '@lrsweep/db';
import { queueCounts } from '@lrsweep/queue';

const QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;

/**
 * Gauges read at scrape time, so every API instance reports the same truth: trials and sweeps
 * by state from one GROUP BY each in Postgres, queue depth and live workers from BullMQ. A
 * failed read keeps the last values and is logged, so one unreachable service does not blank
 * the whole scrape.
 */
export function stateMetrics(registry: Registry, { db, trialQueue, log }: { db: PrismaClient; trialQueue: Queue<TrialJob>; log: FastifyBaseLogger }) {
  const registers = [registry];
  const warn = (what: string) => (err: Error) => log.warn({ err: err.message }, `metrics: could not read ${what}`);
  // A gauge of rows counted by one column: every known value is reported, 0 where none.
  const countsBy = (name: string, help: string, label: string, values: readonly string[], read: () => Promise<Array<{ key: string; n: number }> | undefined>) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers,
      async collect() {
        const groups = await read();
        if (!groups) return;
        for (const v of values) this.set({ [label]: v }, 0);
        for (const g of groups) this.set({ [label]: g.key }, g.n);
      },
    });
  countsBy('lrsweep_trials', 'Trials by state, over every sweep', 'state', TRIAL_STATES, async () =>
    (await db.trial.groupBy({ by: ['state'], _count: { _all: true } }).catch(warn('trials')))?.map((g) => ({ key: g.state, n: g._count._all })),
  );
  countsBy('lrsweep_sweeps', 'Sweeps by status', 'status', SWEEP_STATUSES, async () =>
    (await db.sweep.groupBy({ by: ['status'], _count: { _all: true } }).catch(warn('sweeps')))?.map((g) => ({ key: g.status, n: g._count._all })),
  );
  // One BullMQ read per scrape feeds both queue gauges.
  let counts: ReturnType<typeof queueCounts> | undefined;
  const readCounts = () => (counts ??= queueCounts(trialQueue).finally(() => setImmediate(() => (counts = undefined))));
  new Gauge({
    name: 'lrsweep_queue_jobs',
    help: 'Trial jobs in the queue, by BullMQ state',
    labelNames: ['state'],
    registers,
    async collect() {
      const c = await readCounts().catch(warn('queue counts'));
      if (c) for (const state of QUEUE_STATES) this.set({ state }, c[state]);
    },
  });
  new Gauge({
    name: 'lrsweep_workers',
    help: 'Worker connections BullMQ sees on the trial queue',
    registers,
    async collect() {
      const c = await readCounts().catch(warn('queue counts'));
      if (c) this.set(c.workers);
    },
  });
}
