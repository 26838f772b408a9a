/**
 * How long a trial job waits for others of its sweep before its pack starts without them.
 * BullMQ hands a worker its jobs one fetch at a time, a few milliseconds apart; a pack that
 * started on the first would train alone what could have trained together. Against an epoch of
 * a second or more this is noise, and a pack that is full starts at once.
 */
export const PACK_GATHER_MS = 200;

export interface PackCollectorOptions<T, R> {
  /** The most items in one pack. */
  size: number;
  /** Packs running at once (the worker's training processes); the rest wait for one to end. */
  slots: number;
  /** @defaultValue PACK_GATHER_MS */
  gatherMs?: number;
  /** Runs one pack and resolves to one result per item, in order. */
  run(items: T[]): Promise<R[]>;
}

interface Entry<T, R> {
  item: T;
  group: string;
  since: number;
  resolve(r: R): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export interface PackCollector<T, R> {
  /**
   * Adds an item to the packs of `group` and resolves to its result once its pack has run. An
   * item whose `signal` aborts while it still waits leaves at once with `aborted()` instead.
   */
  add(item: T, group: string, abort?: { signal?: AbortSignal; aborted: () => R }): Promise<R>;
}

/**
 * Gathers items (trial jobs) into packs of one group (a sweep) and runs each pack as one call:
 * a pack starts as soon as it is full or its oldest item has waited `gatherMs`, and a slot is
 * free; a full group goes before a partial one, an older before a newer.
 */
export function createPackCollector<T, R>(opts: PackCollectorOptions<T, R>): PackCollector<T, R> {
  const gatherMs = opts.gatherMs ?? PACK_GATHER_MS;
  const waiting: Entry<T, R>[] = [];
  let running = 0;
  let timer: NodeJS.Timeout | undefined;

  const leave = (e: Entry<T, R>) => {
    const k = waiting.indexOf(e);
    if (k >= 0) waiting.splice(k, 1);
    if (e.onAbort) e.signal?.removeEventListener('abort', e.onAbort);
  };

  /** The next pack to start, or undefined when none is ready yet. */
  const nextPack = (now: number): Entry<T, R>[] | undefined => {
    const groups = new Map<string, Entry<T, R>[]>();
    for (const e of waiting) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
    let best: Entry<T, R>[] | undefined;
    for (const entries of groups.values()) {
      const full = entries.length >= opts.size;
      if (!full && now - entries[0]!.since < gatherMs) continue;
      const bestFull = best !== undefined && best.length >= opts.size;
      if (best === undefined || (full && !bestFull) || (full === bestFull && entries[0]!.since < best[0]!.since)) best = entries;
    }
    return best?.slice(0, opts.size);
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    while (running < opts.slots) {
      const pack = nextPack(now);
      if (!pack) break;
      pack.forEach(leave);
      running++;
      opts
        .run(pack.map((e) => e.item))
        .then(
          (results) => pack.forEach((e, k) => e.resolve(results[k]!)),
          (err) => pack.forEach((e) => e.reject(err)),
        )
        .finally(() => {
          running--;
          schedule();
        });
    }
    // Wake up when the oldest waiting item's gathering time is over.
    if (running < opts.slots && waiting.length > 0) {
      const oldest = Math.min(...waiting.map((e) => e.since));
      timer = setTimeout(schedule, Math.max(0, oldest + gatherMs - now) + 1);
    }
  };

  return {
    add(item, group, abort) {
      return new Promise<R>((resolve, reject) => {
        const entry: Entry<T, R> = { item, group, since: Date.now(), resolve, reject, signal: abort?.signal };
        if (abort?.signal?.aborted) return resolve(abort.aborted());
        if (abort?.signal) {
          entry.onAbort = () => {
            leave(entry);
            resolve(abort.aborted());
          };
          abort.signal.addEventListener('abort', entry.onAbort);
        }
        waiting.push(entry);
        schedule();
      });
    },
  };
}
