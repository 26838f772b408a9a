/**
 * Retries a write while Postgres is briefly unreachable (restart, failover, a terminated
 * backend), so a finished epoch is not lost to a blip. Gives up after ~30 s in total and
 * lets the job fail, which BullMQ then retries.
 */
export async function withRetry<T>(what: string, fn: () => Promise<T>, onRetry?: (attempt: number, err: Error) => void): Promise<T> {
  const delays = [100, 250, 500, 1_000, 2_000, 4_000, 8_000, 15_000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = delays[attempt];
      if (delay === undefined || !isTransient(err as Error)) throw err;
      onRetry?.(attempt + 1, err as Error);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function isTransient(err: Error): boolean {
  const text = `${err.name} ${err.message} ${(err as { code?: string }).code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|terminating connection|Can't reach database|P1001|P1017|P2024|57P01|08006|08003|server closed the connection|Connection is closed|not queryable/i.test(text);
}
