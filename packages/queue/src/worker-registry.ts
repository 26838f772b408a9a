import type { Redis } from 'ioredis';
import type { WorkerInfo } from '@lrsweep/contracts';

/**
 * Live workers, kept in Redis beside the queue: each worker process rewrites its own key every
 * `ttlMs / 3` with a TTL of `ttlMs`, so one that dies (even by SIGKILL) vanishes on its own.
 * A sorted set of key expiries indexes the keys, so listing never SCANs the keyspace (which
 * holds a key per job). Redis only carries this; nothing here is the source of truth.
 */
/**
 * How long a silent worker stays listed. Tied to the job lock: a worker silent for longer has
 * lost its jobs to the stalled check anyway. At most 15 s, so the list stays current.
 */
export function registryTtlMs(lockMs: number): number {
  return Math.min(lockMs, 15_000);
}

export function registryKeys(prefix: string) {
  return { index: `${prefix}:registry:workers`, worker: (id: string) => `${prefix}:registry:worker:${id}` };
}

export async function writeWorker(redis: Redis, prefix: string, info: WorkerInfo, ttlMs: number): Promise<void> {
  const keys = registryKeys(prefix);
  await redis
    .multi()
    .set(keys.worker(info.id), JSON.stringify(info), 'PX', ttlMs)
    .zadd(keys.index, Date.now() + ttlMs, info.id)
    .exec();
}

export async function removeWorker(redis: Redis, prefix: string, id: string): Promise<void> {
  const keys = registryKeys(prefix);
  await redis.multi().del(keys.worker(id)).zrem(keys.index, id).exec();
}

/** Workers whose key has not expired, oldest first. */
export async function listWorkers(redis: Redis, prefix: string): Promise<WorkerInfo[]> {
  const keys = registryKeys(prefix);
  const now = Date.now();
  // Expired index entries are only pruned here; the keys themselves expire by TTL.
  await redis.zremrangebyscore(keys.index, '-inf', now);
  const ids = await redis.zrangebyscore(keys.index, now, '+inf');
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map(keys.worker));
  return values
    .flatMap((v) => (v ? [JSON.parse(v) as WorkerInfo] : []))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

export interface Heartbeat {
  /** Updates what the next beat writes. */
  update(patch: Partial<WorkerInfo>): void;
  readonly info: Readonly<WorkerInfo>;
  /** Stops beating and deletes the key, so a clean exit disappears at once. */
  stop(): Promise<void>;
}

/** Starts heartbeating `info` now and every `ttlMs / 3`; Redis errors are reported, never thrown. */
export function startHeartbeat(redis: Redis, prefix: string, initial: WorkerInfo, ttlMs: number, onError: (err: Error) => void): Heartbeat {
  let info: WorkerInfo = { ...initial };
  let stopped = false;
  const beat = () => {
    info = { ...info, lastSeenAt: new Date().toISOString() };
    return writeWorker(redis, prefix, info, ttlMs).catch(onError);
  };
  void beat();
  const timer = setInterval(() => void beat(), Math.max(200, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    update(patch) {
      info = { ...info, ...patch };
    },
    get info() {
      return info;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await removeWorker(redis, prefix, info.id).catch(onError);
    },
  };
}
