import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import {
  cancelSweep,
  claimTrial,
  createSweepWithTrials,
  finishTrial,
  getSweep,
  getTrial,
  isTrialCancelled,
  leaderboard,
  listEpochs,
  listSweeps,
  listTrials,
  listUnfinishedTrials,
  recordEpochWithCheckpoint,
  refreshSweepStatus,
  saveCheckpoint,
  type NewTrial,
  type ObjectiveMode,
} from './index.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

/** `schedules` x `seeds` trials, schedule-major, like the API expands a grid. */
function grid(schedules: number, seeds: number): NewTrial[] {
  const out: NewTrial[] = [];
  for (let s = 0; s < schedules; s++) {
    for (let seed = 0; seed < seeds; seed++) {
      const schedule = { name: 'StepLR', lr: 0.1, step_size: s + 1 };
      out.push({ index: out.length, schedule, scheduleKey: JSON.stringify(schedule), seed });
    }
  }
  return out;
}

async function newSweep(trials: NewTrial[], mode: ObjectiveMode = 'min', project?: string) {
  return createSweepWithTrials(t.db, {
    ...(project === undefined ? {} : { project }),
    name: `sweep-${trials.length}`,
    spec: { task: { dataset: 'moons' }, schedules: [] },
    objectiveMetric: mode === 'min' ? 'val_loss' : 'val_acc',
    objectiveMode: mode,
    trials,
  });
}

const worker = { worker: 'w1', backend: 'cpu' };

describe('sweeps', () => {
  it('creates a sweep with its trials and counts them by state', async () => {
    const { id, trialIds } = await newSweep(grid(3, 2));
    expect(trialIds).toHaveLength(6);
    const sweep = await getSweep(t.db, id);
    expect(sweep).toMatchObject({ id, project: 'default', status: 'queued', totalTrials: 6, progress: 0 });
    expect(sweep?.spec).toEqual({ task: { dataset: 'moons' }, schedules: [] });
    expect(sweep?.trials).toEqual({ total: 6, queued: 6, running: 0, completed: 0, failed: 0, diverged: 0, cancelled: 0, stopped: 0 });

    await claimTrial(t.db, trialIds[0]!, worker);
    await claimTrial(t.db, trialIds[1]!, worker);
    await finishTrial(t.db, trialIds[1]!, { state: 'completed', objective: 0.5 });
    const after = await getSweep(t.db, id);
    expect(after?.trials).toMatchObject({ queued: 4, running: 1, completed: 1 });
    expect(after?.progress).toBeCloseTo(1 / 6);
  });

  it('answers null for unknown, malformed or other-project ids', async () => {
    const { id } = await newSweep(grid(1, 1), 'min', 'alpha');
    expect(await getSweep(t.db, id, 'alpha')).not.toBeNull();
    expect(await getSweep(t.db, id, 'beta')).toBeNull();
    expect(await getSweep(t.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await getSweep(t.db, 'not-a-uuid')).toBeNull();
    expect(await getTrial(t.db, 'not-a-uuid')).toBeNull();
  });

  it('lists a project newest first, a page at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await newSweep(grid(1, i + 1), 'min', 'paging')).id);
    const first = await listSweeps(t.db, { project: 'paging', page: 1, pageSize: 2 });
    const third = await listSweeps(t.db, { project: 'paging', page: 3, pageSize: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((s) => s.id)).toEqual([ids[4], ids[3]]);
    expect(first.items[0]?.trials.total).toBe(5);
    expect(third.items.map((s) => s.id)).toEqual([ids[0]]);
  });

  it('moves through running to completed, or failed when every trial failed', async () => {
    const ok = await newSweep(grid(2, 1));
    expect(await refreshSweepStatus(t.db, ok.id)).toBe('queued');
    await claimTrial(t.db, ok.trialIds[0]!, worker);
    expect(await refreshSweepStatus(t.db, ok.id)).toBe('running');
    expect((await getSweep(t.db, ok.id))?.startedAt).toBeInstanceOf(Date);
    await finishTrial(t.db, ok.trialIds[0]!, { state: 'failed', error: 'boom' });
    expect(await refreshSweepStatus(t.db, ok.id)).toBe('running');
    await claimTrial(t.db, ok.trialIds[1]!, worker);
    await finishTrial(t.db, ok.trialIds[1]!, { state: 'diverged', divergedEpoch: 3 });
    expect(await refreshSweepStatus(t.db, ok.id)).toBe('completed');
    expect((await getSweep(t.db, ok.id))?.finishedAt).toBeInstanceOf(Date);

    const bad = await newSweep(grid(2, 1));
    for (const id of bad.trialIds) await finishTrial(t.db, id, { state: 'failed', error: 'bad lr' });
    expect(await refreshSweepStatus(t.db, bad.id)).toBe('failed');
    expect((await getSweep(t.db, bad.id))?.finishedAt).toBeInstanceOf(Date);
  });

  it('cancels queued trials, leaves running ones to stop themselves, and stays cancelled', async () => {
    const { id, trialIds } = await newSweep(grid(4, 1));
    await claimTrial(t.db, trialIds[0]!, worker);
    await claimTrial(t.db, trialIds[1]!, worker);
    await finishTrial(t.db, trialIds[1]!, { state: 'completed', objective: 1 });

    const res = await cancelSweep(t.db, id);
    expect(res?.status).toBe('cancelled');
    expect(res?.cancelledTrialIds.sort()).toEqual([trialIds[2], trialIds[3]].sort());
    expect(res?.runningTrialIds).toEqual([trialIds[0]]);
    expect((await getSweep(t.db, id))?.trials).toMatchObject({ cancelled: 2, running: 1, completed: 1 });

    expect(await claimTrial(t.db, trialIds[2]!, worker)).toBeNull();
    expect(await isTrialCancelled(t.db, trialIds[0]!)).toBe(true);
    expect(await refreshSweepStatus(t.db, id)).toBe('cancelled');
    expect((await getSweep(t.db, id))?.finishedAt).toBeNull();
    await finishTrial(t.db, trialIds[0]!, { state: 'cancelled' });
    expect(await refreshSweepStatus(t.db, id)).toBe('cancelled');
    expect((await getSweep(t.db, id))?.finishedAt).toBeInstanceOf(Date);
    expect(await cancelSweep(t.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('inserts a 10,000-trial sweep in one call', async () => {
    const trials = grid(2500, 4);
    const { id, trialIds } = await newSweep(trials);
    expect(new Set(trialIds).size).toBe(10_000);
    const sweep = await getSweep(t.db, id);
    expect(sweep?.trials.queued).toBe(10_000);
    const last = await listTrials(t.db, id, { page: 100, pageSize: 100 });
    expect(last.total).toBe(10_000);
    expect(last.items.map((x) => x.index)).toEqual(Array.from({ length: 100 }, (_, i) => 9900 + i));
    expect(last.items[99]?.id).toBe(trialIds[9999]);
  });
});

describe('trials', () => {
  it('claims a runnable trial with what the worker needs to train it', async () => {
    const { id, trialIds } = await newSweep(grid(1, 2));
    const claimed = await claimTrial(t.db, trialIds[1]!, worker);
    expect(claimed).toMatchObject({
      id: trialIds[1],
      sweepId: id,
      index: 1,
      seed: 1,
      attempts: 1,
      epochsDone: 0,
      checkpoint: null,
      schedule: { name: 'StepLR', lr: 0.1, step_size: 1 },
      sweep: { spec: { task: { dataset: 'moons' }, schedules: [] }, objectiveMetric: 'val_loss', objectiveMode: 'min' },
    });
    // A retry after a worker died claims it again, counting the attempt.
    const again = await claimTrial(t.db, trialIds[1]!, { worker: 'w2', backend: 'cuda' });
    expect(again?.attempts).toBe(2);
    const trial = await getTrial(t.db, trialIds[1]!);
    expect(trial).toMatchObject({ state: 'running', worker: 'w2', backend: 'cuda', attempts: 2 });
    expect(trial?.startedAt).toBeInstanceOf(Date);

    await finishTrial(t.db, trialIds[1]!, { state: 'completed', objective: 0.25 });
    expect(await claimTrial(t.db, trialIds[1]!, worker)).toBeNull();
  });

  it('does not claim a cancelled trial', async () => {
    const { id, trialIds } = await newSweep(grid(1, 1));
    await cancelSweep(t.db, id);
    expect(await claimTrial(t.db, trialIds[0]!, worker)).toBeNull();
    expect(await claimTrial(t.db, trialIds[0]!, worker)).toBeNull();
    expect((await getTrial(t.db, trialIds[0]!))?.attempts).toBe(0);
  });

  it('finishes a trial once, with its metrics', async () => {
    const { trialIds } = await newSweep(grid(1, 1));
    await claimTrial(t.db, trialIds[0]!, worker);
    const outcome = { finalTrainLoss: 0.2, finalValLoss: 0.3, finalValAcc: 0.9, objective: 0.3, seconds: 1.5 };
    expect(await finishTrial(t.db, trialIds[0]!, { state: 'completed', ...outcome })).toBe(true);
    expect(await finishTrial(t.db, trialIds[0]!, { state: 'failed', error: 'late' })).toBe(false);
    const trial = await getTrial(t.db, trialIds[0]!);
    expect(trial).toMatchObject({ state: 'completed', error: null, ...outcome });
    expect(trial?.finishedAt).toBeInstanceOf(Date);
  });

  it('saves a checkpoint that the next claim returns', async () => {
    const { trialIds } = await newSweep(grid(1, 1));
    await claimTrial(t.db, trialIds[0]!, worker);
    await saveCheckpoint(t.db, trialIds[0]!, { epoch: 2, state: 'abc' });
    expect((await claimTrial(t.db, trialIds[0]!, worker))?.checkpoint).toEqual({ epoch: 2, state: 'abc' });
  });

  it('pages and filters by state', async () => {
    const { id, trialIds } = await newSweep(grid(5, 1));
    await claimTrial(t.db, trialIds[3]!, worker);
    const running = await listTrials(t.db, id, { page: 1, pageSize: 10, state: 'running' });
    expect(running).toMatchObject({ total: 1, items: [{ id: trialIds[3] }] });
    const page2 = await listTrials(t.db, id, { page: 2, pageSize: 2 });
    expect(page2.total).toBe(5);
    expect(page2.items.map((x) => x.index)).toEqual([2, 3]);
  });

  it('finds queued trials, and running ones not touched since a time, never finished ones', async () => {
    const { trialIds } = await newSweep(grid(3, 1));
    await claimTrial(t.db, trialIds[0]!, worker);
    await finishTrial(t.db, trialIds[1]!, { state: 'failed' });
    const mine = async (runningOlderThan: Date) =>
      (await listUnfinishedTrials(t.db, { runningOlderThan })).filter((o) => trialIds.includes(o.id)).map((o) => o.id).sort();
    expect(await mine(new Date(Date.now() + 60_000))).toEqual([trialIds[0], trialIds[2]].sort());
    // A queued trial needs a worker however recent; a running one touched since is alive.
    expect(await mine(new Date(0))).toEqual([trialIds[2]]);
  });
});

describe('epochs', () => {
  it('upserts an epoch written twice and keeps epochsDone right', async () => {
    const { trialIds } = await newSweep(grid(1, 1));
    const id = trialIds[0]!;
    const row = { epoch: 0, lr: 0.1, train_loss: 1, val_loss: 1.1, val_acc: 0.5, seconds: 0.2 };
    expect(await recordEpochWithCheckpoint(t.db, id, row, null)).toMatchObject({ epochsDone: 1 });
    expect(await recordEpochWithCheckpoint(t.db, id, { ...row, train_loss: 0.9 }, null)).toMatchObject({ epochsDone: 1 });
    expect(await recordEpochWithCheckpoint(t.db, id, { ...row, epoch: 1, lr: 0.05 }, null)).toMatchObject({ epochsDone: 2 });

    const epochs = await listEpochs(t.db, id);
    expect(epochs.map((e) => [e.epoch, e.train_loss, e.lr])).toEqual([
      [0, 0.9, 0.1],
      [1, 1, 0.05],
    ]);
    const trial = await getTrial(t.db, id);
    expect(trial?.epochsDone).toBe(2);
    expect(trial?.epochs.map((e) => e.epoch)).toEqual([0, 1]);
  });
});

describe('leaderboard', () => {
  /** Three schedules x up to three seeds with known objectives; one of them failed. */
  async function scored(mode: ObjectiveMode) {
    const trials = grid(3, 3);
    const objectives = [1, 2, 3, /* schedule 1 */ 0.5, 0.5, null, /* schedule 2 */ 4, 6, 8];
    const { id, trialIds } = await newSweep(trials, mode);
    for (const [i, objective] of objectives.entries()) {
      const trialId = trialIds[i]!;
      await claimTrial(t.db, trialId, worker);
      if (objective === null) await finishTrial(t.db, trialId, { state: 'failed', error: 'nan' });
      else await finishTrial(t.db, trialId, { state: 'completed', objective });
    }
    return { id, trialIds, trials };
  }

  it('ranks schedules by mean objective, lowest first for min', async () => {
    const { id, trialIds, trials } = await scored('min');
    const board = await leaderboard(t.db, id);
    expect(board?.metric).toBe('val_loss');
    expect(board?.mode).toBe('min');
    const entries = board?.entries ?? [];
    expect(entries.map((e) => [e.rank, e.n])).toEqual([
      [1, 2],
      [2, 3],
      [3, 3],
    ]);
    expect(entries[0]).toMatchObject({ mean: 0.5, std: 0, schedule: trials[3]!.schedule, trials: [trialIds[3], trialIds[4]] });
    expect(entries[1]?.mean).toBeCloseTo(2);
    expect(entries[1]?.std).toBeCloseTo(1);
    expect(entries[1]?.trials).toEqual([trialIds[0], trialIds[1], trialIds[2]]);
    expect(entries[2]?.mean).toBeCloseTo(6);
    expect(entries[2]?.std).toBeCloseTo(2);
    // The failed seed is shown, not hidden; the schedule is compared on the seeds it has.
    expect(entries[0]).toMatchObject({ failed: 1, diverged: 0, ci: [0.5, 0.5], tiedWithBest: true });
    // Paired with the best over seeds 0 and 1: differences 0.5 and 1.5.
    expect(entries[1]?.vsBest).toMatchObject({ diff: 1, method: 'paired', pairs: 2 });
    expect(entries[1]?.vsBest.ci?.[0]).toBeCloseTo(1 - 12.7062 * Math.SQRT1_2 / Math.SQRT2, 3);
    expect(entries[1]?.tiedWithBest).toBe(true);
  });

  it('ranks a schedule that diverged on a seed below those that did not, whatever its survivors say', async () => {
    const { id, trialIds } = await newSweep(grid(2, 2));
    const outcomes = [1, 1.5, 0.1, 'diverged'] as const;
    for (const [i, outcome] of outcomes.entries()) {
      await claimTrial(t.db, trialIds[i]!, worker);
      if (outcome === 'diverged') await finishTrial(t.db, trialIds[i]!, { state: 'diverged', divergedEpoch: 2, error: 'loss is nan' });
      else await finishTrial(t.db, trialIds[i]!, { state: 'completed', objective: outcome });
    }
    const board = await leaderboard(t.db, id);
    expect(board?.entries.map((e) => [e.rank, e.mean, e.n, e.diverged, e.tiedWithBest, e.trials])).toEqual([
      [1, 1.25, 2, 0, true, [trialIds[0], trialIds[1]]],
      [2, 0.1, 1, 1, false, [trialIds[2]]],
    ]);
  });

  it('ranks highest first for max, and reports std 0 for a single seed', async () => {
    const { id, trialIds } = await scored('max');
    const board = await leaderboard(t.db, id);
    expect(board?.entries.map((e) => e.mean)).toEqual([6, 2, 0.5]);

    const single = await newSweep(grid(1, 1), 'max');
    await finishTrial(t.db, single.trialIds[0]!, { state: 'completed', objective: 0.7 });
    const one = await leaderboard(t.db, single.id);
    expect(one?.entries).toEqual([
      { rank: 1, schedule: expect.any(Object), mean: 0.7, std: 0, n: 1, trials: single.trialIds, ci: null, vsBest: { diff: 0, ci: [0, 0], method: 'paired', pairs: 1 }, tiedWithBest: true, diverged: 0, failed: 0 },
    ]);
    expect(trialIds).toHaveLength(9);
    expect(await leaderboard(t.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
