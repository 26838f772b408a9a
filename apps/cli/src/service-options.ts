// What `serve`, `api`, `worker`, `migrate` and `keys` read, declared once for their --help.
// The processes themselves parse these variables (packages/config); the defaults named here
// are that package's.
import type { OptionSpecs } from './command.ts';

/** Where the API listens; passed on to the API process as --port and --host. */
export const LISTEN_OPTIONS = {
  port: { type: 'integer', value: 'P', min: 0, max: 65535, env: 'PORT', default: 3000, description: 'the port the API listens on; 0 picks a free one' },
  host: {
    type: 'string',
    value: 'H',
    env: 'HOST',
    default: '127.0.0.1',
    description: 'the address the API listens on; beyond loopback every request needs an API key',
  },
} as const satisfies OptionSpecs;

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
