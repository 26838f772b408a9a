import type { Leaderboard } from '@lrsweep/db';

/** Leaderboards ranking at least this many finished trials are cached; smaller ones are always fresh. */
export const CACHE_MIN_TRIALS = 1_000;

/**
 * Ranking 10,000 trials costs tens of milliseconds of Postgres and serialisation, and a
 * dashboard or script polls it constantly: for big sweeps the API answers from a result at
 * most `ttlMs` old. Small sweeps, where a person watches each trial land, skip the cache.
 */
export function createLeaderboardCache(ttlMs = 1_000, maxEntries = 100) {
  const entries = new Map<string, { at: number; board: Leaderboard }>();
  return async function cached(key: string, load: () => Promise<Leaderboard | null>): Promise<Leaderboard | null> {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.board;
    const board = await load();
    const ranked = board?.entries.reduce((n, e) => n + e.n, 0) ?? 0;
    if (board && ranked >= CACHE_MIN_TRIALS) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { at: Date.now(), board });
    }
    return board;
  };
}
