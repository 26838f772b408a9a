// What a worker writes while it trains (claims, epochs with their checkpoints, outcomes, a
// hand-back at shutdown, sweep settling), single and batched, and the unfinished trials the
// API's reconciler reads back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import { cancelSweep, claimTrial, claimTrials, createSweepWithTrials, dropTrialProgress, finishTrial, finishTrials, listEpochs, listUnfinishedTrials, recordEpochWithCheckpoint, recordEpochs, releaseTrial, settleSweepStatus, settleSweepStatuses } from './index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

async function sweep(n: number) {
  const trials = Array.from({ length: n }, (_, i) => ({ index: i, schedule: { type: 'StepLR', step_size: 1 }, scheduleKey: 'k', seed: i }));
  return createSweepWithTrials(t.db, { name: 's', spec: {}, objectiveMetric: 'val_loss', objectiveMode: 'min', trials });
}
const row = (epoch: number, lr = 0.1) => ({ epoch, lr, train_loss: 1, val_loss: 1, val_acc: 0.5, seconds: 0.01 });
const worker = { worker: 'w:1', backend: 'noop' };

describe('recordEpochWithCheckpoint', () => {
  it('writes the epoch and its checkpoint together, counts epochs once however often one is rewritten', async () => {
    const { trialIds } = await sweep(1);
    const id = trialIds[0]!;
    await claimTrial(t.db, id, worker);
    expect(await recordEpochWithCheckpoint(t.db, id, row(0), { epoch: 0 })).toEqual({ epochsDone: 1, cancelled: false });
    expect(await recordEpochWithCheckpoint(t.db, id, row(1), { epoch: 1 })).toEqual({ epochsDone: 2, cancelled: false });
    // A resumed attempt rewrites epoch 1: still two epochs, the newer values win.
    expect(await recordEpochWithCheckpoint(t.db, id, row(1, 0.05), null)).toEqual({ epochsDone: 2, cancelled: false });
    expect((await listEpochs(t.db, id)).map((e) => [e.epoch, e.lr])).toEqual([[0, 0.1], [1, 0.05]]);
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id } });
    expect(trial.checkpoint).toEqual({ epoch: 1 }); // a null checkpoint keeps the last one
    expect(trial.epochsDone).toBe(2);
  });

  it('dropTrialProgress forgets one trial\'s epochs and checkpoint (a lost checkpoint file), not its neighbour\'s', async () => {
    const { trialIds } = await sweep(2);
    const [a, b] = trialIds as [string, string];
    await claimTrials(t.db, [a, b], worker);
    for (const e of [0, 1]) await recordEpochs(t.db, [{ trialId: a, row: row(e), checkpoint: { epoch: e } }, { trialId: b, row: row(e), checkpoint: { epoch: e } }]);
    expect(await dropTrialProgress(t.db, a)).toBe(true);
    expect(await listEpochs(t.db, a)).toEqual([]);
    expect(await t.db.trial.findUniqueOrThrow({ where: { id: a } })).toMatchObject({ epochsDone: 0, checkpoint: null, state: 'running' });
    expect((await listEpochs(t.db, b)).map((e) => e.epoch)).toEqual([0, 1]);
    expect(await t.db.trial.findUniqueOrThrow({ where: { id: b } })).toMatchObject({ epochsDone: 2, checkpoint: { epoch: 1 } });
    expect(await recordEpochWithCheckpoint(t.db, a, row(0), { epoch: 0 })).toEqual({ epochsDone: 1, cancelled: false });
    expect(await dropTrialProgress(t.db, '00000000-0000-4000-8000-000000000000')).toBe(false);
  });

  it("keeps a script's own metrics by epoch, and null for a named metric it did not report", async () => {
    const { trialIds } = await sweep(2);
    const [a, b] = trialIds as [string, string];
    await claimTrials(t.db, [a, b], worker);
    const custom = { epoch: 0, lr: 0.1, train_loss: 0.7, val_loss: null, val_acc: null, metrics: { val_f1: 0.625, 'val/bleu': 12.5 }, seconds: 0.01 };
    await recordEpochs(t.db, [{ trialId: a, row: custom, checkpoint: null }, { trialId: b, row: row(0), checkpoint: null }]);
    // A rewritten epoch replaces its metrics too.
    await recordEpochWithCheckpoint(t.db, a, { ...custom, epoch: 1, metrics: { val_f1: 0.75 } }, null);
    await recordEpochWithCheckpoint(t.db, a, { ...custom, epoch: 1, metrics: { val_f1: 0.875 } }, null);
    const epochs = (await listEpochs(t.db, a)).map(({ createdAt: _, ...e }) => e);
    expect(epochs).toEqual([
      { ...custom },
      { ...custom, epoch: 1, metrics: { val_f1: 0.875 } },
    ]);
    // An epoch without other metrics has no `metrics` at all, as the built-in trainer's rows.
    expect((await listEpochs(t.db, b))[0]).not.toHaveProperty('metrics');
  });

  it('says when the trial or its sweep was cancelled, and null for an unknown trial', async () => {
    const { id: sweepId, trialIds } = await sweep(2);
    await claimTrial(t.db, trialIds[0]!, worker);
    await cancelSweep(t.db, sweepId);
    expect((await recordEpochWithCheckpoint(t.db, trialIds[0]!, row(0), null))?.cancelled).toBe(true);
    expect(await recordEpochWithCheckpoint(t.db, '00000000-0000-4000-8000-000000000000', row(0), null)).toBeNull();
  });
});

describe('the batched forms a worker running many trials uses', () => {
  it('claims, writes epochs, finishes and settles several trials per statement, each as its single form would', async () => {
    const { id: sweepId, trialIds } = await sweep(3);
    const [a, b, c] = trialIds as [string, string, string];
    await finishTrial(t.db, c, { state: 'cancelled' });
    const claimed = await claimTrials(t.db, [a, b, c, 'not-a-uuid'], worker);
    // The cancelled trial is not runnable; the others are claimed and their sweep is running.
    expect([...claimed.keys()].sort()).toEqual([a, b].sort());
    expect(claimed.get(a)).toMatchObject({ id: a, sweepId, attempts: 1, sweep: { objectiveMetric: 'val_loss', objectiveMode: 'min' } });
    expect((await t.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('running');

    await recordEpochs(t.db, [{ trialId: a, row: row(0), checkpoint: { epoch: 0 } }, { trialId: b, row: row(0, 0.2), checkpoint: null }]);
    const written = await recordEpochs(t.db, [
      { trialId: a, row: row(1), checkpoint: { epoch: 1 } },
      // b rewrites epoch 0 (a resumed attempt): still one epoch.
      { trialId: b, row: row(0, 0.3), checkpoint: { epoch: 0 } },
    ]);
    expect(written.get(a)).toEqual({ epochsDone: 2, cancelled: false });
    expect(written.get(b)).toEqual({ epochsDone: 1, cancelled: false });
    expect((await listEpochs(t.db, b)).map((e) => [e.epoch, e.lr])).toEqual([[0, 0.3]]);
    await expect(recordEpochs(t.db, [{ trialId: a, row: row(2), checkpoint: null }, { trialId: a, row: row(3), checkpoint: null }])).rejects.toThrow(/twice/);

    const done = await finishTrials(t.db, [
      { trialId: a, state: 'completed', finalValLoss: 0.5, objective: 0.5, seconds: 1 },
      { trialId: b, state: 'diverged', divergedEpoch: 0, error: 'loss is NaN' },
      { trialId: c, state: 'completed' },
    ]);
    // c was already finished: untouched.
    expect([...done].sort()).toEqual([a, b].sort());
    const rows = await t.db.trial.findMany({ where: { sweepId }, orderBy: { index: 'asc' } });
    expect(rows.map((r) => [r.state, r.objective, r.divergedEpoch, r.error])).toEqual([
      ['completed', 0.5, null, null],
      ['diverged', null, 0, 'loss is NaN'],
      ['cancelled', null, null, null],
    ]);
    expect(rows[0]!.finishedAt).not.toBeNull();

    const other = await sweep(1);
    const statuses = await settleSweepStatuses(t.db, [sweepId, sweepId, other.id]);
    expect(statuses.get(sweepId)).toBe('completed');
    expect(statuses.get(other.id)).toBe('queued');
  });
});

describe('releaseTrial, listUnfinishedTrials, settleSweepStatus', () => {
  it('puts a running trial back to queued, and nothing else', async () => {
    const { trialIds } = await sweep(2);
    const [a, b] = trialIds as [string, string];
    await claimTrial(t.db, a, worker);
    expect(await releaseTrial(t.db, a)).toBe(true);
    expect(await releaseTrial(t.db, b)).toBe(false); // queued, never claimed
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id: a } });
    expect([trial.state, trial.worker, trial.attempts]).toEqual(['queued', null, 1]);
  });

  it('lists queued trials and running ones silent since the cutoff, never cancelled sweeps', async () => {
    const { id: sweepId, trialIds } = await sweep(3);
    const [queued, fresh, stale] = trialIds as [string, string, string];
    await claimTrial(t.db, fresh, worker);
    await claimTrial(t.db, stale, worker);
    await t.db.$executeRaw`UPDATE "Trial" SET "updatedAt" = now() - interval '1 hour' WHERE id = ${stale}::uuid`;
    const mine = async () => (await listUnfinishedTrials(t.db, { runningOlderThan: new Date(Date.now() - 60_000) })).filter((x) => x.sweepId === sweepId);
    expect((await mine()).map((x) => x.id).sort()).toEqual([queued, stale].sort());
    await cancelSweep(t.db, sweepId);
    expect(await mine()).toEqual([]);
  });

  it('settles a sweep: running while trials remain, completed after the last', async () => {
    const { id: sweepId, trialIds } = await sweep(2);
    const [a, b] = trialIds as [string, string];
    for (const id of [a, b]) await claimTrial(t.db, id, worker);
    await finishTrial(t.db, a, { state: 'completed', objective: 1 });
    expect(await settleSweepStatus(t.db, sweepId)).toBe('running');
    expect(await settleSweepStatus(t.db, sweepId)).toBe('running'); // the fast path
    await finishTrial(t.db, b, { state: 'completed', objective: 2 });
    expect(await settleSweepStatus(t.db, sweepId)).toBe('completed');
    expect((await t.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).finishedAt).not.toBeNull();
  });
});
