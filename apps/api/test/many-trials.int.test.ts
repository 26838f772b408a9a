import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectory } from '@lrsweep/schedules';
import { readSweepEvents } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from './stack.ts';

// Workers running many trials at once (the noop backend trains in the worker's own process,
// LRSWEEP_WORKER_CONCURRENCY slots) batch their claims, epochs, outcomes and events: the
// batching must not change what lands. Two workers x 24 slots over 120 short trials.

const optimizer = { type: 'SGD', lr: 0.1 } as const;
const epochs = 3;
const body = {
  name: 'many-at-once',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs, batchSize: 32, optimizer },
  schedules: [
    { type: 'StepLR', step_size: { values: [1, 2] }, gamma: { values: [0.1, 0.5, 0.9] } },
    { type: 'ExponentialLR', gamma: { values: [0.5, 0.7, 0.9, 0.99] } },
  ],
  seeds: 12,
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '50', LRSWEEP_WORKER_CONCURRENCY: '24', LRSWEEP_RECONCILE_MS: '0' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('workers running many trials at once', () => {
  it('train every trial once, write every epoch once with its scheduled lr, and stream every outcome once', async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
    expect(res.statusCode, res.body).toBe(201);
    const { id: sweepId, trials: total } = res.json();
    expect(total).toBe(120);
    stack.startWorker();
    stack.startWorker();

    await waitFor('the sweep to finish', async () => (await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json().status === 'completed');

    const trials = await stack.db.trial.findMany({ where: { sweepId }, include: { epochs: { orderBy: { epoch: 'asc' } } } });
    expect(trials).toHaveLength(120);
    // The slots were used: some worker trained several trials over the same instant.
    const mostAtOnce = Math.max(
      ...trials.map((a) => trials.filter((b) => b.worker === a.worker && b.startedAt! <= a.startedAt! && a.startedAt! < b.finishedAt!).length),
    );
    expect(mostAtOnce).toBeGreaterThan(1);
    for (const t of trials) {
      expect([t.state, t.attempts, t.epochsDone]).toEqual(['completed', 1, epochs]);
      const lrs = trajectory({ optimizer, scheduler: t.schedule as never, steps: epochs - 1 }).lr.map((row) => row[0]);
      expect(t.epochs.map((e) => [e.epoch, e.lr])).toEqual(lrs.map((lr, k) => [k, lr]));
      expect(t.objective).toBe(t.epochs.at(-1)!.valLoss);
    }

    const events = [];
    for (let after = '0'; ; ) {
      const page = await readSweepEvents(stack.app.redis, stack.prefix, sweepId, after);
      if (page.length === 0) break;
      events.push(...page.map((p) => p.event));
      after = page.at(-1)!.id;
    }
    const finals = events.filter((e) => e.type === 'trial.state' && e.state === 'completed').map((e) => (e as { trialId: string }).trialId);
    expect(finals.sort()).toEqual(trials.map((t) => t.id).sort());
    expect(events.filter((e) => e.type === 'trial.epoch')).toHaveLength(120 * epochs);
    expect(events.filter((e) => e.type === 'sweep.finished')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('sweep.finished');

    const board = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();
    expect(board.entries).toHaveLength(10);
    expect(board.entries.every((e: { n: number }) => e.n === 12)).toBe(true);
  });
});
