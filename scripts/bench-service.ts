// What the service benchmarks share: `lrsweep serve` on a throwaway database, waiting for a
// sweep, and reading each trial's timings back from Postgres.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '@lrsweep/db';

export const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const lrsweepBin = createRequire(import.meta.url).resolve('@lrsweep/cli/bin/lrsweep.js');

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface BenchService {
  api: string;
  database: string;
  databaseUrl: string;
  /** `lrsweep serve`'s pid: the API, the workers and their training processes are below it. */
  servePid: number;
  /** The bench's own Redis, so its CPU time is this sweep's alone; undefined without redis-server. */
  redisPid?: number;
}

/** A private redis-server on a free port (no persistence), or undefined where none is installed. */
async function privateRedis(): Promise<{ url: string; process: ChildProcess } | undefined> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = 6400 + Math.floor(Math.random() * 500);
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await sleep(300);
  return { url: `redis://127.0.0.1:${port}`, process: proc };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Migrates a fresh database, runs `lrsweep serve` with `workers` workers against it until the
 * API is ready, hands it to `fn`, then stops the service and drops the database, whatever `fn`
 * did. Ctrl-C stops the service; the next request then fails and the database is dropped too.
 */
export async function withBenchService<T>(
  o: { name: string; workers: number; env?: Record<string, string> },
  fn: (service: BenchService) => Promise<T>,
): Promise<T> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const database = `lrsweep_${o.name}_${Date.now()}`;
  const databaseUrl = `${base}/${database}`;
  await migrate(databaseUrl);
  const port = 3100 + Math.floor(Math.random() * 800);
  const redis = await privateRedis();
  const env = { ...process.env, ...(redis ? { REDIS_URL: redis.url } : {}), DATABASE_URL: databaseUrl, LRSWEEP_QUEUE_PREFIX: `${o.name}-${Date.now()}`, LOG_LEVEL: 'warn', ...o.env };
  const serve = spawn(process.execPath, ['--import', 'tsx', lrsweepBin, 'serve', '--port', String(port), '--workers', String(o.workers)], {
    env,
    stdio: 'inherit',
    cwd: root,
  });
  const api = `http://127.0.0.1:${port}`;
  const interrupt = () => serve.kill('SIGINT');
  process.once('SIGINT', interrupt);
  try {
    while (!(await fetch(`${api}/readyz`).then((r) => r.ok).catch(() => false))) await sleep(300);
    return await fn({ api, database, databaseUrl, servePid: serve.pid!, redisPid: redis?.process.pid });
  } finally {
    process.off('SIGINT', interrupt);
    serve.kill('SIGINT');
    await new Promise((r) => serve.once('exit', r));
    redis?.process.kill();
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

/** Polls until the sweep is completed, failed or cancelled. */
export async function waitForSweep(api: string, sweepId: string): Promise<void> {
  for (;;) {
    const s = (await (await fetch(`${api}/v1/sweeps/${sweepId}`)).json()) as { status: string };
    if (['completed', 'failed', 'cancelled'].includes(s.status)) return;
    await sleep(500);
  }
}

export interface TrialTiming {
  state: string;
  backend: string;
  /** Claim to finish, seconds. */
  wall: number;
  /** Sum of the epochs' training seconds. */
  training: number;
  /** When it finished, ms since the epoch (this machine's clock, as Date.now()). */
  finishedAtMs: number;
  mismatch: string | null;
}

export async function trialTimings(databaseUrl: string, sweepId: string): Promise<TrialTiming[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<TrialTiming>(
      `SELECT t.state, t.backend, EXTRACT(EPOCH FROM t."finishedAt" - t."startedAt")::float8 AS wall, t."lrMismatch" AS mismatch,
              (EXTRACT(EPOCH FROM t."finishedAt") * 1000)::float8 AS "finishedAtMs",
              (SELECT sum(e.seconds) FROM "Epoch" e WHERE e."trialId" = t.id)::float8 AS training
         FROM "Trial" t WHERE t."sweepId" = $1`,
      [sweepId],
    );
    return rows;
  } finally {
    await client.end();
  }
}
