/**
 * Turns a function over many items into a function over one, so that calls made while the
 * previous batch is in flight (or in the same tick) share one call: a worker running many
 * trials at once then pays one Postgres or Redis round trip for all the epochs that finished
 * together, instead of one each. A lone caller waits no longer than before.
 *
 * `run` answers for each item, in order. If it throws, every caller of that batch gets the
 * error (each retries on its own, into a later batch). `key` keeps two items with the same key
 * out of one batch, for statements that may touch a row only once.
 */
export function coalesce<I, O>(run: (items: I[]) => Promise<O[]>, { max = 500, key }: { max?: number; key?: (item: I) => string } = {}): (item: I) => Promise<O> {
  type Pending = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
  let queue: Pending[] = [];
  let running = false;

  const take = (): Pending[] => {
    const batch: Pending[] = [];
    const seen = new Set<string>();
    const rest: Pending[] = [];
    for (const p of queue) {
      const k = key?.(p.item);
      if (batch.length >= max || (k !== undefined && seen.has(k))) rest.push(p);
      else {
        batch.push(p);
        if (k !== undefined) seen.add(k);
      }
    }
    queue = rest;
    return batch;
  };

  const drain = async () => {
    try {
      while (queue.length > 0) {
        const batch = take();
        try {
          const out = await run(batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(out[i] as O));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      running = false;
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Wait a tick so that callers woken by the same event join this batch.
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}
