import type { Leaderboard } from '@lrsweep/db';
import { leaderboardView } from '../views.ts';

/** Leaderboards ranking at least this many finished trials are cached; smaller ones are always fresh. */
export const CACHE_MIN_TRIALS = 1_000;

export interface CachedLeaderboard {
  board: Leaderboard;
  /** The board as the response body: serialised once per load, not once per request. */
  json(): string;
}

/**
 * Ranking 10,000 trials costs tens of milliseconds of Postgres and its 10,000 trial ids as
 * much again in serialisation, and a dashboard or script polls it constantly: for big sweeps
 * the API answers from a result loaded at most about `ttlMs` ago. An older one is still
 * answered at once while a fresh one loads behind it (stale-while-revalidate), so no poller
 * waits on a ranking. Small sweeps, where a person watches each trial land, skip the cache.
 */
export function createLeaderboardCache(ttlMs = 1_000, maxEntries = 100) {
  type Entry = CachedLeaderboard & { at: number; refreshing?: Promise<unknown> };
  const entries = new Map<string, Entry>();
  const wrap = (board: Leaderboard): CachedLeaderboard => {
    let body: string | undefined;
    return { board, json: () => (body ??= JSON.stringify(leaderboardView(board))) };
  };
  const loadInto = async (key: string, load: () => Promise<Leaderboard | null>): Promise<CachedLeaderboard | null> => {
    const board = await load();
    if (!board) {
      entries.delete(key);
      return null;
    }
    const loaded = wrap(board);
    const ranked = board.entries.reduce((n, e) => n + e.n, 0);
    if (ranked >= CACHE_MIN_TRIALS) {
      if (!entries.has(key) && entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { ...loaded, at: Date.now() });
    }
    return loaded;
  };
  return async function cached(key: string, load: () => Promise<Leaderboard | null>): Promise<CachedLeaderboard | null> {
    const hit = entries.get(key);
    if (!hit) return loadInto(key, load);
    if (Date.now() - hit.at >= ttlMs && !hit.refreshing) {
      // A failed refresh drops the entry, so the next request loads (and reports) for itself.
      hit.refreshing = loadInto(key, load).catch(() => entries.delete(key));
    }
    return hit;
  };
}
