import { describe, expect, it } from 'vitest';
import type { Leaderboard } from '@lrsweep/db';
import { CACHE_MIN_TRIALS, createLeaderboardCache } from './leaderboard-cache.ts';

const board = (n: number): Leaderboard => ({ metric: 'val_loss', mode: 'min', entries: [{ rank: 1, schedule: {}, mean: 1, std: 0, n, trials: [] }] });

describe('leaderboard cache', () => {
  it('reuses a big sweep’s ranking within the ttl and reloads after it', async () => {
    const cached = createLeaderboardCache(50);
    let loads = 0;
    const load = async () => (loads++, board(CACHE_MIN_TRIALS));
    await cached('a', load);
    await cached('a', load);
    expect(loads).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    await cached('a', load);
    expect(loads).toBe(2);
  });

  it('always reloads a small sweep and keys by sweep', async () => {
    const cached = createLeaderboardCache(60_000);
    let loads = 0;
    await cached('s', async () => (loads++, board(CACHE_MIN_TRIALS - 1)));
    await cached('s', async () => (loads++, board(CACHE_MIN_TRIALS - 1)));
    await cached('b', async () => (loads++, board(CACHE_MIN_TRIALS)));
    expect(loads).toBe(3);
  });
});
