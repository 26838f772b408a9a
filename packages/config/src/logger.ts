import pino, { type Logger } from 'pino';

/**
 * One root logger per process. Pretty output only on a TTY (pino-pretty is a dev
 * dependency, so production images log JSON); secrets are redacted wherever they appear.
 */
export function createLogger(service: string, level = 'info'): Logger {
  const pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production';
  return pino({
    level,
    base: { service, pid: process.pid },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'databaseUrl', 'redisUrl', 'config.databaseUrl', 'config.redisUrl'],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } } : {}),
  });
}

export type { Logger };
