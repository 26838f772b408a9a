// A sweep that grows round by round (seed racing here) against the real Postgres: the round is
// added once however many settles race for it, and the sweep is never finished in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import { cancelSweep, createSweepWithTrials, finishTrials, getSweep, refreshSweep, settleSweeps } from './index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/** Two schedules on seeds 0 and 1, racing to 3 seeds. */
async function race() {
  const trials = ['a', 'b'].flatMap((key, k) => [0, 1].map((seed) => ({ index: 2 * k + seed, schedule: { type: key }, scheduleKey: key, seed })));
  return createSweepWithTrials(t.db, { name: 'race', spec: { seeds: { min: 2, max: 3 } }, objectiveMetric: 'val_loss', objectiveMode: 'min', trials });
}
/** Both schedules score the same on every seed: the race cannot tell them apart. */
const complete = (ids: string[]) => finishTrials(t.db, ids.map((trialId) => ({ trialId, state: 'completed' as const, objective: 0.5, finalValLoss: 0.5 })));

describe('a round of a seed race', () => {
  it('is added once when several settles race for it, and the sweep stays running until the last round ends', async () => {
    const { id, trialIds } = await race();
    await complete(trialIds);
    const settled = await Promise.all([refreshSweep(t.db, id), refreshSweep(t.db, id), settleSweeps(t.db, [id]).then((m) => m.get(id)!)]);
    const rounds = settled.filter((s) => s?.advanced);
    expect(rounds).toHaveLength(1);
    expect(rounds[0]!.advanced).toMatchObject({ reason: 'race', totalTrials: 6 });
    expect(settled.map((s) => s!.status)).toEqual(['running', 'running', 'running']);
    const sweep = await getSweep(t.db, id);
    expect(sweep).toMatchObject({ status: 'running', finishedAt: null, totalTrials: 6, trials: { total: 6, queued: 2 } });

    const added = await t.db.trial.findMany({ where: { sweepId: id, index: { gte: 4 } }, orderBy: { index: 'asc' } });
    expect(added.map((a) => [a.scheduleKey, a.seed, a.index])).toEqual([['a', 2, 4], ['b', 2, 5]]);
    expect(added.map((a) => a.reason)).toEqual([expect.stringMatching(/^seed race: the best/), expect.stringMatching(/^seed race: tied with the best/)]);

    // max reached: the race is over and the sweep completes.
    await complete(added.map((a) => a.id));
    expect(await refreshSweep(t.db, id)).toEqual({ status: 'completed', advanced: null });
  });

  it('adds nothing to a cancelled sweep', async () => {
    const { id, trialIds } = await race();
    await complete(trialIds);
    await cancelSweep(t.db, id);
    expect(await refreshSweep(t.db, id)).toEqual({ status: 'cancelled', advanced: null });
    expect((await getSweep(t.db, id))!.trials.total).toBe(4);
  });
});
