import type { Logger } from 'pino';

/**
 * The one place a process registers how it stops. On SIGTERM/SIGINT the steps run in order
 * (worker.close -> queue.close -> db disconnect -> redis quit) under one deadline; a second
 * signal or the deadline exits at once, so a stuck close never keeps a pod alive.
 */
export function onShutdown(logger: Logger, steps: Array<[string, () => Promise<unknown>]>, timeoutMs = 30_000): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (err) {
        logger.warn({ err, step: name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
