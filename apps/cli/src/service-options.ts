// What `serve`, `api`, `worker`, `migrate` and `keys` read, declared once for their --help.
// The processes themselves parse these variables (packages/config); the defaults named here
// are that package's.
import type { OptionSpecs } from './command.ts';

/**
 * Where the API listens, passed on to the API process only when given: without them it reads
 * PORT and HOST itself, so their defaults live in one place (packages/config).
 */
export const LISTEN_OPTIONS = {
  port: { type: 'integer', value: 'P', min: 0, max: 65535, description: 'the port the API listens on, else $PORT, else 3000; 0 picks a free one' },
  host: {
    type: 'string',
    value: 'H',
    description: 'the address the API listens on, else $HOST, else 127.0.0.1; beyond loopback every request needs an API key',
  },
} as const satisfies OptionSpecs;

/** --port and --host as the API process takes them: only those given. */
export function listenArgs(options: { port?: number | undefined; host?: string | undefined }): string[] {
  return [...(options.port === undefined ? [] : ['--port', String(options.port)]), ...(options.host === undefined ? [] : ['--host', options.host])];
}

export const DATABASE_ENVIRONMENT = {
  DATABASE_URL: 'Postgres (default postgresql://postgres@127.0.0.1:5432/lrsweep)',
} as const;

export const SERVICE_ENVIRONMENT = {
  ...DATABASE_ENVIRONMENT,
  REDIS_URL: 'Redis, for the trial queue (default redis://127.0.0.1:6379)',
  LRSWEEP_QUEUE_PREFIX: 'BullMQ key prefix, so deployments can share one Redis (default lrsweep)',
  LOG_LEVEL: 'pino log level (default info)',
  'LRSWEEP_*': 'the rest (auth, rate limits, backend, concurrency, ...): README, Configuration',
} as const;
