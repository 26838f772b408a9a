import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renewDeploymentId } from '@lrsweep/db';
import { createTestDatabase } from '@lrsweep/db/testing';
import { connectRedis, createRedis, createTrialQueue } from '@lrsweep/queue';
import { createLogger, loadConfig } from '@lrsweep/config';
import type { DestinationStream } from 'pino';
import { buildApp } from '../src/app.ts';

const require = createRequire(import.meta.url);

/**
 * A real stack for one test file: its own database cloned from the migrated template, its own
 * BullMQ prefix on the shared Redis, the API built in-process (tests call inject), and real
 * worker processes started exactly as `lrsweep worker` starts them.
 */
export async function startStack(
  opts: {
    maxTrials?: number;
    env?: Record<string, string>;
    /** `required` turns API keys on, as on a non-loopback address (LRSWEEP_AUTH). */
    auth?: 'required';
    /** Where the API's log lines go, at `level`; nowhere by default. */
    log?: { to: DestinationStream; level: string };
  } = {},
) {
  const database = await createTestDatabase();
  // Test databases are clones of one template, so they share its deployment id: each stack is a deployment of its own.
  await renewDeploymentId(database.db);
  const prefix = `lrsweep-test-${randomUUID().slice(0, 8)}`;
  // The workers' checkpoint files go to a directory of this stack's, not the checkout's .lrsweep/
  // (the workers still read the checkout's lrsweep.config.yaml trainers, as a user's would).
  const scratch = mkdtempSync(path.join(tmpdir(), 'lrsweep-stack-'));
  const env = {
    ...process.env,
    LRSWEEP_CHECKPOINT_DIR: path.join(scratch, 'checkpoints'),
    DATABASE_URL: database.url,
    LRSWEEP_QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    LRSWEEP_MAX_TRIALS: String(opts.maxTrials ?? 10_000),
    // Suites poll; only the rate-limit test wants a limit it can reach.
    LRSWEEP_RATE_LIMIT: '100000',
    ...(opts.auth ? { LRSWEEP_AUTH: opts.auth } : {}),
    // Overrides for the API and every worker alike (REDIS_URL, LRSWEEP_LOCK_MS, LRSWEEP_BACKEND...).
    ...opts.env,
  };
  const config = loadConfig(env);
  const workers: ChildProcess[] = [];

  async function buildApi() {
    const redis = await connectRedis(createRedis(config.redisUrl, 'producer'));
    const trialQueue = createTrialQueue(redis, prefix);
    const { createDb } = await import('@lrsweep/db');
    return buildApp({ logger: opts.log ? createLogger('api-test', opts.log.level, opts.log.to) : createLogger('api-test', 'silent'), db: createDb(database.url), trialQueue, redis, config });
  }
  let app = await buildApi();

  return {
    get app() {
      return app;
    },
    db: database.db,
    /** For processes that talk to the database directly (`lrsweep keys`, `lrsweep migrate`). */
    databaseUrl: database.url,
    prefix,
    /** Starts a real worker process (`lrsweep worker`) against this stack. */
    startWorker(extraEnv: Record<string, string> = {}, args: string[] = []): ChildProcess {
      const child = spawn(process.execPath, ['--import', 'tsx', require.resolve('@lrsweep/worker/main'), ...args], {
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      workers.push(child);
      return child;
    },
    /** Stops workers with SIGTERM and waits for them, as a deployment would. */
    async stopWorkers(): Promise<void> {
      await Promise.all(
        workers.splice(0).map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.exitCode !== null || w.signalCode !== null) return resolve();
              w.once('exit', () => resolve());
              w.kill('SIGTERM');
            }),
        ),
      );
    },
    /** Closes and rebuilds the API over the same database and queue: a restart. */
    async restartApi(): Promise<void> {
      await app.close();
      app = await buildApi();
    },
    async stop(): Promise<void> {
      await this.stopWorkers();
      await app.trialQueue.obliterate({ force: true }).catch(() => {});
      await app.close();
      await database.drop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** A loopback port free at this instant, for a process a test starts (a worker's /metrics). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until `check` returns a value, failing with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
