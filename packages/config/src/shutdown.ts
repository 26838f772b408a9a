import type { Logger } from 'pino';

/**
 * The one place a process registers how it stops. On SIGTERM/SIGINT the steps run in order
 * (worker.close -> queue.close -> db disconnect -> redis quit) under one deadline; a second
 * signal or the deadline exits at once, so a stuck close never keeps a pod alive.
 */
export function onShutdown(logger: Logger, steps: Array<[string, () => Promise<unknown>]>, timeoutMs = 30_000): void {
  let stoppingSince = 0;
  const stop = async (signal: string) => {
    // Ctrl-C in a terminal reaches a child both from the TTY and from a parent that forwards
    // it (`lrsweep serve`); only a second signal well after the first means "force".
    if (stoppingSince && Date.now() - stoppingSince < 2_000) return;
    if (stoppingSince) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stoppingSince = Date.now();
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
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
