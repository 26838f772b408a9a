import { describe, expect, it } from 'vitest';
import type { Leaderboard } from '@lrsweep/db';
import { CACHE_MIN_TRIALS, createLeaderboardCache } from './leaderboard-cache.ts';

const board = (n: number): Leaderboard => ({
  metric: 'val_loss',
  mode: 'min',
  entries: [
    { rank: 1, schedule: { type: 'StepLR', step_size: 2 }, mean: 1, std: 0, n, trials: [], ci: null, vsBest: { diff: 0, ci: [0, 0], method: 'paired', pairs: n }, tiedWithBest: true, diverged: 0, failed: 0 },
  ],
});

describe('leaderboard cache', () => {
  it('reuses a big sweep’s ranking within the ttl, then answers the old one while the new one loads', async () => {
    const cached = createLeaderboardCache(50);
    let loads = 0;
    let release = () => {};
    const load = async () => {
      loads++;
      if (loads > 1) await new Promise<void>((r) => (release = r));
      return board(CACHE_MIN_TRIALS + loads);
    };
    const first = await cached('a', load);
    expect((await cached('a', load))?.board).toBe(first?.board);
    expect(loads).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    // Stale: answered at once from the old load; one reload starts behind it, however many ask.
    expect((await cached('a', load))?.board).toBe(first?.board);
    expect((await cached('a', load))?.board).toBe(first?.board);
    expect(loads).toBe(2);
    release();
    await new Promise((r) => setImmediate(r));
    expect((await cached('a', load))?.board.entries[0]?.n).toBe(CACHE_MIN_TRIALS + 2);
  });

  it('serialises a board once, as the API view', async () => {
    const cached = createLeaderboardCache(60_000);
    const hit = await cached('j', async () => board(CACHE_MIN_TRIALS));
    const [entry] = board(CACHE_MIN_TRIALS).entries;
    expect(JSON.parse(hit!.json())).toEqual({ ...board(CACHE_MIN_TRIALS), entries: [{ ...entry, pytorch: 'StepLR(step_size=2)' }] });
    expect(hit!.json()).toBe(hit!.json());
  });

  it('forgets a sweep whose reload finds it gone or fails', async () => {
    const cached = createLeaderboardCache(0);
    await cached('g', async () => board(CACHE_MIN_TRIALS));
    await cached('g', async () => {
      throw new Error('postgres away');
    });
    await new Promise((r) => setImmediate(r));
    await expect(cached('g', async () => null)).resolves.toBeNull();
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
