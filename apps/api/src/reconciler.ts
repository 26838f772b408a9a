import fp from 'fastify-plugin';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@lrsweep/config';
import type { TrialJob } from '@lrsweep/contracts';
import { Gauge } from 'prom-client';
import { finishTrial, listSilentTrials, listUnfinishedTrials, readDeploymentId, refreshSweep, type PrismaClient, type UnfinishedTrial } from '@lrsweep/db';
import { claimPrefix, heldTrialIds, registryTtlMs, reopenSweepEvents, requeueTrials, withRedisLock } from '@lrsweep/queue';

/**
 * Claims after which a trial is given up rather than re-queued: every claim is a worker that
 * started it and then vanished, and a trial that kills its worker every time (out of memory)
 * must not cycle forever.
 */
export const MAX_CLAIMS = 10;

export interface ReconcileDeps {
  db: PrismaClient;
  /** The built-in trainer's queue (no name) or an external trainer's: the API's one handle per queue (app.trialQueueFor). */
  queueFor: (trainer?: string) => Queue<TrialJob>;
  redis: Redis;
  prefix: string;
  lockMs: number;
  logger: Logger;
}

export interface ReconcileResult {
  requeued: number;
  gaveUp: number;
}

/**
 * One pass: every trial Postgres (the source of truth) calls queued or running that no job or
 * live worker in Redis holds is enqueued again. This recovers trials after a Redis restart or
 * FLUSHDB, a job lost any other way, or a job BullMQ failed for good while its worker died.
 * Safe to run anywhere and at any time: a job id is its trial id, so an add of a trial that
 * is still queued adds nothing, and a worker handed a finished trial skips it.
 */
export async function reconcileOnce(d: ReconcileDeps): Promise<ReconcileResult> {
  // A running trial writes at least every epoch and its worker heartbeats every ttl/3: one
  // silent for a whole registry TTL is not being trained.
  const runningOlderThan = new Date(Date.now() - registryTtlMs(d.lockMs));
  // Read Postgres before Redis: a trial whose job finishes in between then looks unfinished
  // but held, or unheld and gets a job it will skip; never finished and unheld and lost.
  const unfinished = await listUnfinishedTrials(d.db, { runningOlderThan });
  if (unfinished.length === 0) return { requeued: 0, gaveUp: 0 };
  // An external trainer's trials wait in its own queue (trialQueueName): look in, and requeue to, each.
  const queues = new Map<string | null, Queue<TrialJob>>([[null, d.queueFor()]]);
  for (const t of unfinished) if (!queues.has(t.trainer)) queues.set(t.trainer, d.queueFor(t.trainer ?? undefined));
  return reconcileIn(d, queues, unfinished);
}

/**
 * Job locks of silence after which a trial that only a live worker still lists (its job gone
 * from Redis) is taken for wedged, not slow: a slow epoch keeps its job and renews its lock, a
 * claim takes milliseconds, and a worker stuck on a trial whose job vanished (the chaos run
 * found some, queued or running, after Redis and Postgres restarts) would list it, and strand
 * it, forever.
 */
export const WEDGED_AFTER_LOCKS = 10;

async function reconcileIn(d: ReconcileDeps, queues: Map<string | null, Queue<TrialJob>>, unfinished: UnfinishedTrial[]): Promise<ReconcileResult> {
  const byJob = new Set<string>();
  const byWorker = new Map<string, string>();
  for (const q of queues.values()) {
    const held = await heldTrialIds(q, d.redis, d.prefix);
    for (const id of held.byJob) byJob.add(id);
    for (const [id, worker] of held.byWorker) byWorker.set(id, worker);
  }
  const lost = unfinished.filter((t) => !byJob.has(t.id) && !byWorker.has(t.id));
  const listedOnly = unfinished.filter((t) => !byJob.has(t.id) && byWorker.has(t.id));
  if (listedOnly.length > 0) {
    const silentSince = new Date(Date.now() - WEDGED_AFTER_LOCKS * d.lockMs);
    const longSilent = new Set(await listSilentTrials(d.db, listedOnly.map((t) => t.id), silentSince));
    const wedged = listedOnly.filter((t) => longSilent.has(t.id));
    if (wedged.length > 0) {
      d.logger.error(
        { trials: wedged.map((t) => ({ trialId: t.id, worker: byWorker.get(t.id) })) },
        `reconciler: ${wedged.length} trials listed by a live worker but silent for over ${WEDGED_AFTER_LOCKS} job locks with no job in Redis: re-enqueued; that worker looks stuck`,
      );
      lost.push(...wedged);
    }
  }
  return requeueOrGiveUp(d, queues, lost);
}

async function requeueOrGiveUp(d: ReconcileDeps, queues: Map<string | null, Queue<TrialJob>>, lost: UnfinishedTrial[]): Promise<ReconcileResult> {
  const give = lost.filter((t) => t.attempts >= MAX_CLAIMS);
  for (const t of give) {
    await finishTrial(d.db, t.id, { state: 'failed', error: `gave up after ${t.attempts} attempts whose workers vanished` });
  }
  for (const sweepId of new Set(give.map((t) => t.sweepId))) {
    // Giving up on a round's last trial ends the round: a seed race adds its next one here.
    const advanced = (await refreshSweep(d.db, sweepId))?.advanced;
    if (!advanced) continue;
    const { reason, trialIds, totalTrials } = advanced;
    await reopenSweepEvents(d.redis, d.prefix, sweepId, { type: 'sweep.reopened', sweepId, reason, queuedTrials: trialIds.length, trials: totalTrials, at: new Date().toISOString() }, []);
    const trainer = give.find((t) => t.sweepId === sweepId)!.trainer;
    await requeueTrials(d.queueFor(trainer ?? undefined), d.redis, trialIds.map((trialId) => ({ trialId, sweepId })));
  }
  const again = lost.filter((t) => t.attempts < MAX_CLAIMS);
  let requeued = 0;
  for (const [trainer, queue] of queues) {
    const mine = again.filter((t) => t.trainer === trainer);
    if (mine.length > 0) requeued += await requeueTrials(queue, d.redis, mine.map((t) => ({ trialId: t.id, sweepId: t.sweepId })));
  }
  if (requeued > 0 || give.length > 0) d.logger.warn({ requeued, gaveUp: give.length }, 'reconciler: re-enqueued trials no job held');
  return { requeued, gaveUp: give.length };
}

/** Intervals without a completed pass (by this instance or another of the deployment) after which the reconciler says it is stuck. */
export const STALE_INTERVALS = 3;

export interface Reconciler {
  /** When a reconciler of this deployment last completed a pass (ms since the epoch), as far as this instance knows. */
  lastPassAt(): number;
  stop(): Promise<void>;
}

/**
 * Runs reconcileOnce at start and every `intervalMs`, under a Redis lock so several API
 * instances take turns instead of racing. Errors (Postgres or Redis down) are logged and the
 * next tick tries again. Each tick first re-binds the prefix to this deployment (after a Redis
 * flush nothing else would) and skips the pass when another deployment owns it. Whoever
 * completes a pass stamps `<prefix>:reconcile:last-pass`; an instance that sees no pass for
 * STALE_INTERVALS intervals logs it (lastPassAt feeds a metric too), since a reconciler that
 * never completes strands every lost trial without a word.
 */
export function startReconciler(d: ReconcileDeps, intervalMs: number): Reconciler {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const lockKey = `${d.prefix}:reconcile:lock`;
  const lastPassKey = `${d.prefix}:reconcile:last-pass`;
  const staleAfterMs = STALE_INTERVALS * intervalMs;
  let lastPassAt = Date.now();
  let warnedAt = 0;
  const pass = async () => {
    await claimPrefix(d.redis, d.prefix, await readDeploymentId(d.db));
    const ran = await withRedisLock(d.redis, lockKey, Math.max(intervalMs, 30_000), async () => {
      await reconcileOnce(d);
    });
    if (ran) {
      lastPassAt = Date.now();
      await d.redis.set(lastPassKey, String(lastPassAt), 'PX', staleAfterMs * 10);
    } else {
      lastPassAt = Math.max(lastPassAt, Number(await d.redis.get(lastPassKey)) || 0);
    }
  };
  const checkLiveness = () => {
    const sinceMs = Date.now() - lastPassAt;
    if (sinceMs <= staleAfterMs) {
      if (warnedAt) d.logger.info({ sinceMs }, 'reconciler: passes complete again');
      warnedAt = 0;
    } else if (Date.now() - warnedAt >= staleAfterMs) {
      warnedAt = Date.now();
      d.logger.error(
        { sinceMs, intervalMs },
        `reconciler: no pass completed for ${Math.round(sinceMs / 1000)}s (${STALE_INTERVALS}+ intervals of ${intervalMs} ms): lost trials are not being re-enqueued; see the warnings before this line`,
      );
    }
  };
  const tick = () => {
    running = pass()
      .catch((err: Error) => d.logger.warn({ err: err.message }, 'reconciler pass failed; retrying next tick'))
      .finally(checkLiveness);
  };
  tick();
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, intervalMs);
  timer.unref();
  return {
    lastPassAt: () => lastPassAt,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The API's reconciler: on when LRSWEEP_RECONCILE_MS > 0, stopped by app.close() before the
 * services close. `lrsweep_reconciler_last_pass_age_seconds` says how long ago a pass last completed.
 */
export const reconcilerPlugin = fp(async (app) => {
  const { config } = app;
  if (config.reconcileMs <= 0) return;
  const r = startReconciler(
    { db: app.db, queueFor: app.trialQueueFor, redis: app.redis, prefix: config.queuePrefix, lockMs: config.lockMs, logger: app.log as unknown as Logger },
    config.reconcileMs,
  );
  new Gauge({
    name: 'lrsweep_reconciler_last_pass_age_seconds',
    help: `Seconds since a reconciler of this deployment last completed a pass; above ${STALE_INTERVALS} x LRSWEEP_RECONCILE_MS it is stuck`,
    registers: [app.metrics],
    collect() {
      this.set((Date.now() - r.lastPassAt()) / 1000);
    },
  });
  app.addHook('onClose', () => r.stop());
});
