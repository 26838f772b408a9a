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
  /** Force a training backend (`tensorflow-gpu`, `tensorflow`, `blas`, `wasm`, `cpu`, `noop`); unset picks the fastest available. */
  backend: string | undefined;
  /** Epoch duration of the `noop` backend, in milliseconds. @defaultValue 0 */
  noopEpochMs: number;
  /** Trials one worker process trains at once. @defaultValue 1 */
  workerConcurrency: number;
  /**
   * The most trials of one sweep a worker trains together as one pack (one computation), on
   * backends that pack (`blas`); `1` trains them one by one. Unset: the worker's default for its
   * backend (apps/worker pack-size.ts). Other backends always train one by one.
   */
  pack: number | undefined;
  /** How this worker names itself in trial records. @defaultValue `${hostname}:${pid}` */
  workerName: string;
  /**
   * `required`: every request but /healthz and /readyz needs an API key. `auto`: required
   * whenever the API listens on a non-loopback address, off on 127.0.0.1 / ::1 / localhost.
   * There is deliberately no `off`: a reachable API always checks keys. @defaultValue auto
   */
  auth: 'auto' | 'required';
  /** Requests per API key (per client IP when auth is off) in each `rateLimitWindowMs`; 0 turns limits off. @defaultValue 600 */
  rateLimitMax: number;
  /** @defaultValue 60000 */
  rateLimitWindowMs: number;
  /** Browser origins allowed to call the API cross-origin (`https://a.example`); none by default. @defaultValue [] */
  corsOrigins: string[];
  /** Port of a worker's Prometheus `/metrics` endpoint (on `host`); 0 turns it off. @defaultValue 0 */
  metricsPort: number;
  /**
   * BullMQ job lock of a worker, in milliseconds; also how often workers look for stalled jobs.
   * A worker killed mid-trial hands its job on after about this long. @defaultValue 60000
   */
  lockMs: number;
  /**
   * Which proxies the API believes about the client (`X-Forwarded-For`, `-Proto`, `-Host`), as
   * Fastify's `trustProxy`: `true` (any: only when the API is reachable through the proxy
   * alone) or a comma-separated list of proxy addresses/CIDRs. Behind a
   * TLS-terminating proxy it makes the request https, so the Bull Board cookie is `Secure`, and
   * rate limits count the client's address, not the proxy's. @defaultValue false
   */
  trustProxy: boolean | string[];
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

function authSetting(env: Env): 'auto' | 'required' {
  const raw = env.LRSWEEP_AUTH || 'auto';
  if (raw !== 'auto' && raw !== 'required') throw new ConfigError('LRSWEEP_AUTH', `must be 'required' or 'auto', got '${raw}'`);
  return raw;
}

/** Comma-separated origins, each exactly `scheme://host[:port]` as browsers send it in `Origin`. */
function origins(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(name, `'${origin}' is not an origin like https://app.example.com (no path, no trailing slash)`);
    }
  }
  return list;
}

function trustProxy(env: Env): boolean | string[] {
  const raw = (env.LRSWEEP_TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  const list = raw.split(',').map((a) => a.trim()).filter((a) => a !== '');
  for (const a of list) {
    if (!/^[0-9a-fA-F:.]*[:.][0-9a-fA-F:.]*(\/\d{1,3})?$/.test(a)) {
      throw new ConfigError('LRSWEEP_TRUST_PROXY', `must be true, false, or proxy addresses/CIDRs (10.0.0.0/8,::1), got '${a}'`);
    }
  }
  return list;
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
    workerConcurrency: integer(env, 'LRSWEEP_WORKER_CONCURRENCY', 1, 1, 256),
    pack: env.LRSWEEP_PACK ? integer(env, 'LRSWEEP_PACK', 1, 1, 256) : undefined,
    workerName: env.LRSWEEP_WORKER_NAME || `${hostname()}:${process.pid}`,
    auth: authSetting(env),
    rateLimitMax: integer(env, 'LRSWEEP_RATE_LIMIT', 600, 0, 1_000_000),
    rateLimitWindowMs: integer(env, 'LRSWEEP_RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 86_400_000),
    corsOrigins: origins(env, 'LRSWEEP_CORS_ORIGINS'),
    metricsPort: integer(env, 'LRSWEEP_METRICS_PORT', 0, 0, 65535),
    lockMs: integer(env, 'LRSWEEP_LOCK_MS', 60_000, 1_000, 3_600_000),
    reconcileMs: integer(env, 'LRSWEEP_RECONCILE_MS', 10_000, 0, 3_600_000),
    trustProxy: trustProxy(env),
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
