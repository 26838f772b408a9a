import { describe, expect, it } from 'vitest';
import { runChaos } from './run-chaos.ts';

// The short chaos run of `npm test`: a fixed seed, a small sweep, one of each fault while it
// runs (the full run is `npm run chaos -- --seed N`, README "Chaos run").

describe('a short chaos run', () => {
  it('loses, doubles and strands nothing while workers, the API, Redis and Postgres fail under it', async () => {
    const result = await runChaos({ seed: 7, seeds: 3, workers: 2, faults: 6, windowMs: 10_000, epochMs: 400, timeoutMs: 90_000 });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.faults.map((f) => f.kind).sort()).toEqual(['flush-redis', 'kill-worker', 'restart-api', 'restart-postgres', 'restart-redis', 'wrong-database-worker']);
    expect(result.summary).toMatch(/PASSED.*18\/18 trials completed once, 72 epoch rows once with the scheduled lr/);
  });
});
