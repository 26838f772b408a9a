import type { Redis } from 'ioredis';

// External trainers are declared on worker hosts (lrsweep.config.yaml), not in the API, so
// workers advertise their trainer names here and the API accepts a sweep only for a name some
// worker has offered. A name stays known after its workers stop: its trials then wait in their
// queue, as built-in trials wait when no worker runs.

/**
 * One hash of names per prefix. The key keeps its old name (`registry:trainers`): renaming it
 * would forget every trainer advertised so far, and the API would refuse their sweeps until
 * each worker restarted.
 */
const trainersKey = (prefix: string) => `${prefix}:registry:trainers`;

export async function advertiseTrainers(redis: Redis, prefix: string, names: string[], worker: string): Promise<void> {
  if (names.length === 0) return;
  const seen = JSON.stringify({ worker, at: new Date().toISOString() });
  await redis.hset(trainersKey(prefix), Object.fromEntries(names.map((n) => [n, seen])));
}

/** Every trainer name a worker under this prefix has offered. */
export async function listTrainers(redis: Redis, prefix: string): Promise<string[]> {
  return (await redis.hkeys(trainersKey(prefix))).sort();
}
