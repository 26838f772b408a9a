import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import { advanceRung, createSweepWithTrials, currentRung, finishTrial, getSweep, halvingSummary, leaderboard, listTrials, type NewTrial } from './index.ts';

// Successive halving's rungs in Postgres: a rung closes once, whoever asks, and the leaderboard
// ranks by the rung each schedule reached.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const KEYS = ['a', 'b', 'c'];

async function firstRung(): Promise<string> {
  const trials: NewTrial[] = KEYS.flatMap((key, k) => [0, 1].map((seed) => ({ index: 2 * k + seed, schedule: { type: 'StepLR', step_size: k + 1 }, scheduleKey: key, seed, rung: 0, budgetEpochs: 1 })));
  const { id, trialIds } = await createSweepWithTrials(t.db, { name: 'h', spec: {}, objectiveMetric: 'val_loss', objectiveMode: 'min', trials });
  // a is best, then b, then c; seed 1 is worse for all alike.
  for (const [i, trialId] of trialIds.entries()) {
    await finishTrial(t.db, trialId, { state: 'completed', objective: 1 + Math.floor(i / 2) + 0.1 * (i % 2), finalValLoss: 1 });
  }
  return id;
}

describe('rungs', () => {
  it('reads the highest rung and whether it has finished', async () => {
    const id = await firstRung();
    const rung = await currentRung(t.db, id);
    expect(rung).toMatchObject({ rung: 0, finished: true });
    expect(rung!.trials).toHaveLength(6);
  });

  it('advances a rung once: stops the rest with their reason and writes the next rung per seed', async () => {
    const id = await firstRung();
    const input = { sweepId: id, fromRung: 0, budgetEpochs: 3, promoted: ['a'], stopped: [{ key: 'b', reason: 'ranked 2' }, { key: 'c', reason: 'ranked 3' }] };
    const [first, second] = await Promise.all([advanceRung(t.db, input), advanceRung(t.db, input)]);
    const created = first ?? second;
    expect(created).toHaveLength(2);
    expect([first, second].filter((x) => x === null)).toHaveLength(1);

    const { items } = await listTrials(t.db, id, { page: 1, pageSize: 50 });
    expect(items.filter((x) => x.state === 'stopped').map((x) => [x.scheduleKey, x.stopReason])).toEqual([
      ['b', 'ranked 2'], ['b', 'ranked 2'], ['c', 'ranked 3'], ['c', 'ranked 3'],
    ]);
    expect(items.filter((x) => x.rung === 1).map((x) => [x.scheduleKey, x.seed, x.budgetEpochs, x.state, x.index])).toEqual([
      ['a', 0, 3, 'queued', 6], ['a', 1, 3, 'queued', 7],
    ]);
    expect((await getSweep(t.db, id))?.totalTrials).toBe(8);
    expect(await currentRung(t.db, id)).toMatchObject({ rung: 1, finished: false });
    expect(await halvingSummary(t.db, id)).toEqual({
      rungs: [{ rung: 0, configurations: 3, trials: 6, stopped: 2 }, { rung: 1, configurations: 1, trials: 2, stopped: 0 }],
      epochsSpent: 0,
      configurations: 3,
      seeds: 2,
    });

    // The leaderboard ranks by the rung reached: 'a' comes first from rung 1 even with a worse
    // loss; the stopped ones follow from rung 0, with no tie claimed against it.
    for (const x of items.filter((x) => x.rung === 1)) await finishTrial(t.db, x.id, { state: 'completed', objective: 9, finalValLoss: 9 });
    const board = await leaderboard(t.db, id);
    expect(board!.entries.map((e) => [e.rung, e.mean, e.tiedWithBest === null])).toEqual([
      [1, 9, false],
      [0, 2.05, true],
      [0, 3.05, true],
    ]);
  });

  it('leaves a cancelled sweep alone', async () => {
    const id = await firstRung();
    await t.db.sweep.update({ where: { id }, data: { status: 'cancelled' } });
    expect(await advanceRung(t.db, { sweepId: id, fromRung: 0, budgetEpochs: 3, promoted: ['a'], stopped: [] })).toBeNull();
  });
});
