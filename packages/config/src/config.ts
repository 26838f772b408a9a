import { hostname } from 'node:os';

/**
 * The one place that reads the environment. Each process parses it once at boot and passes
 * the frozen result down; a bad value fails the boot with a message naming the variable.
 */
export interface Config {
  /** Postgres, the source of truth. @defaultValue postgresql://postgres@127.0.0.1:5432/lrsweep */
  databaseUrl: string;
  /** Redis for the queue; a database index in the URL (`/2`) is honoured. @defaultValue redis://127.0.0.1:6379 */
  redisUrl: string;
  /** BullMQ key prefix, so several deployments or test files can share one Redis. @defaultValue lrsweep */
  queuePrefix: string;
  /** @defaultValue 3000 */
  port: number;
  /** @defaultValue 127.0.0.1 */
  host: string;
  /** @defaultValue info */
  logLevel: string;
  /** Largest sweep (schedules x grid x seeds) accepted; larger ones are refused before anything is written. @defaultValue 10000 */
  maxTrials: number;
  /** Force a training backend (`wasm`, `cpu`, `tensorflow`, `tensorflow-gpu`, `noop`); unset picks the fastest available. */
  backend: string | undefined;
  /** Epoch duration of the `noop` backend, in milliseconds. @defaultValue 0 */
  noopEpochMs: number;
  /** Trials one worker process trains at once. @defaultValue 1 */
  workerConcurrency: number;
  /** How this worker names itself in trial records. @defaultValue `${hostname}:${pid}` */
  workerName: string;
  /** Port of a worker's Prometheus `/metrics` endpoint (on `host`); 0 turns it off. @defaultValue 0 */
  metricsPort: number;
  /**
   * BullMQ job lock of a worker, in milliseconds; also how often workers look for stalled jobs.
   * A worker killed mid-trial hands its job on after about this long. @defaultValue 60000
   */
  lockMs: number;
  /** How often the API re-enqueues trials Postgres says are unfinished but no job holds; 0 turns it off. @defaultValue 10000 */
  reconcileMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer in [${min}, ${max}], got '${raw}'`);
  }
  return value;
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')}`);
  }
  return raw;
}

export function loadConfig(env: Env = process.env): Readonly<Config> {
  return Object.freeze({
    databaseUrl: url(env, 'DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/lrsweep', ['postgresql:', 'postgres:']),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: env.LRSWEEP_QUEUE_PREFIX || 'lrsweep',
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    logLevel: env.LOG_LEVEL || 'info',
    maxTrials: integer(env, 'LRSWEEP_MAX_TRIALS', 10_000, 1, 1_000_000),
    backend: env.LRSWEEP_BACKEND || undefined,
    noopEpochMs: integer(env, 'LRSWEEP_NOOP_EPOCH_MS', 0, 0, 3_600_000),
    workerConcurrency: integer(env, 'LRSWEEP_WORKER_CONCURRENCY', 1, 1, 64),
    workerName: env.LRSWEEP_WORKER_NAME || `${hostname()}:${process.pid}`,
    metricsPort: integer(env, 'LRSWEEP_METRICS_PORT', 0, 0, 65535),
    lockMs: integer(env, 'LRSWEEP_LOCK_MS', 60_000, 1_000, 3_600_000),
    reconcileMs: integer(env, 'LRSWEEP_RECONCILE_MS', 10_000, 0, 3_600_000),
  });
}

/** Connection strings without their passwords, for logs and error messages. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
