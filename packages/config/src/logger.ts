import pino, { type DestinationStream, type Logger } from 'pino';

// Secrets that can turn up inside text: a password in a connection string, an API key (ours all
// start `lrs_`, see packages/db api-keys.repository.ts), and the `?key=` query parameter that
// EventSource clients authenticate with.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s@/?#]+@/gi;
const API_KEY = /\blrs_[A-Za-z0-9_-]{6,}/g;
const KEY_PARAM = /([?&](?:key|api_key|token)=)[^&#\s]*/gi;

/** `text` with connection-string passwords, API keys and `?key=` values replaced. */
export function scrubSecrets(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@').replace(API_KEY, 'lrs_[redacted]').replace(KEY_PARAM, '$1[redacted]');
}

// Structured fields that hold secrets, wherever they sit (one level of nesting covers
// `{ config: { databaseUrl } }` and `{ req: { headers } }`).
const REDACT_PATHS = [
  'authorization',
  'cookie',
  'apiKey',
  'key',
  'password',
  'databaseUrl',
  'redisUrl',
  'connectionString',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.apiKey',
  '*.password',
  '*.databaseUrl',
  '*.redisUrl',
  '*.connectionString',
];

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Fastify's request serializer, minus anything secret: no headers at all (so no Authorization),
 * and the URL scrubbed because an EventSource sends its key as `?key=`.
 */
function requestSerializer(req: RequestLike) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? scrubSecrets(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

function errorSerializer(err: Error) {
  const out = pino.stdSerializers.err(err) as ReturnType<typeof pino.stdSerializers.err> & Record<string, unknown>;
  if (typeof out.message === 'string') out.message = scrubSecrets(out.message);
  if (typeof out.stack === 'string') out.stack = scrubSecrets(out.stack);
  return out;
}

/**
 * One root logger per process. Pretty output only on a TTY (pino-pretty is a dev
 * dependency, so production images log JSON); secrets are redacted wherever they appear.
 * @param destination where lines go instead of stdout (tests capture them).
 */
export function createLogger(service: string, level = 'info', destination?: DestinationStream): Logger {
  const pretty = !destination && process.stdout.isTTY && process.env.NODE_ENV !== 'production';
  const options: pino.LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer, err: errorSerializer },
    hooks: {
      // Messages are free text: a connection string or a key pasted into one is scrubbed too.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>);
      },
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
