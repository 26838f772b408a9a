import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSweepEvents } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from './stack.ts';

// Successive halving end to end: the API plans the first rung, a real worker (noop backend,
// whose loss depends on the lr of the epoch) trains it, advances the sweep to the next rung
// and stops the rest; the leaderboard ranks by the rung reached. Against real Postgres and Redis.

const task = { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 6, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } };
// The noop trainer's loss is lowest for an lr of 0.05. StepLR(step_size=3) compressed onto the
// 2-epoch rung's steps (23 an epoch: 720 spirals in batches of 32) decays after 23 steps: lr 0.1
// then 0.05, as good as LambdaLR 0.5 at the rung's end.
const stepLR = { type: 'StepLR', step_size: 3, gamma: 0.5 };
const schedules = [stepLR, ...['1', '0.5', '0.2', '2', '0.05'].map((f) => ({ type: 'LambdaLR', lr_lambda: f }))];
const halving = (rescale: boolean) => ({ type: 'successive_halving', min_epochs: 2, eta: 3, rescale });

type Trial = { id: string; state: string; seed: number; rung: number | null; budgetEpochs: number | null; stopReason: string | null; epochsDone: number; schedule: Record<string, unknown> };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '5' } });
  stack.startWorker();
});
afterAll(async () => {
  await stack?.stop();
});

async function run(rescale: boolean) {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: { name: 'halving', task, schedules, seeds: 2, early_stopping: halving(rescale) } });
  expect(res.statusCode, res.body).toBe(201);
  // Only the first rung is planned: 6 schedules x 2 seeds.
  expect(res.json().trials).toBe(12);
  const id: string = res.json().id;
  const sweep = await waitFor(
    'the sweep to complete',
    async () => {
      const s = (await stack.app.inject({ url: `/v1/sweeps/${id}` })).json();
      return s.status === 'completed' ? s : null;
    },
    180_000,
  );
  const trials: Trial[] = (await stack.app.inject({ url: `/v1/sweeps/${id}/trials?pageSize=100` })).json().items;
  return { id, sweep, trials };
}

const lrsOf = async (trialId: string): Promise<number[]> => (await stack.app.inject({ url: `/v1/trials/${trialId}` })).json().epochs.map((e: { lr: number }) => e.lr);

describe('successive halving', () => {
  it('trains rung 0 compressed, promotes the best 1/eta, stops the rest and finishes once', async () => {
    const { id, sweep, trials } = await run(true);
    expect(sweep.trials).toMatchObject({ total: 16, completed: 8, stopped: 8, failed: 0 });
    const rung0 = trials.filter((t) => t.rung === 0);
    const rung1 = trials.filter((t) => t.rung === 1);
    expect(rung0).toHaveLength(12);
    expect(rung0.every((t) => t.budgetEpochs === 2 && t.epochsDone === 2)).toBe(true);
    // ceil(6 / 3) = 2 schedules go on, each with both seeds, for the full 6 epochs.
    expect(rung1).toHaveLength(4);
    expect(rung1.every((t) => t.state === 'completed' && t.epochsDone === 6 && t.budgetEpochs === 6)).toBe(true);
    const promoted = rung1.filter((t) => t.seed === 0).map((t) => t.schedule);
    expect(promoted).toHaveLength(2);
    expect(promoted).toEqual(expect.arrayContaining([stepLR, { type: 'LambdaLR', lr_lambda: '0.5' }]));
    const stopped = trials.filter((t) => t.state === 'stopped');
    expect(stopped).toHaveLength(8);
    for (const t of stopped) expect(t.stopReason).toMatch(/^rung 0 \(2 epochs\): ranked [3-6] of 6: not in the best 2/);

    // The compressed StepLR decays once an epoch of its 2-epoch rung; the full run every 3.
    const step0 = rung0.find((t) => t.schedule.type === 'StepLR')!;
    expect(await lrsOf(step0.id)).toEqual([0.1, 0.05]);
    expect(await lrsOf(rung1.find((t) => t.schedule.type === 'StepLR')!.id)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05]);

    expect(sweep.halving).toEqual({
      rungs: [
        { rung: 0, epochs: 2, configurations: 6, trials: 12, stopped: 4 },
        { rung: 1, epochs: 6, configurations: 2, trials: 4, stopped: 0 },
      ],
      epochsSpent: 12 * 2 + 4 * 6,
      gridEpochs: 6 * 2 * 6,
    });

    const board = (await stack.app.inject({ url: `/v1/sweeps/${id}/leaderboard` })).json();
    expect(board.entries.map((e: { rung: number }) => e.rung)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(board.entries.slice(0, 2).map((e: { n: number }) => e.n)).toEqual([2, 2]);
    expect(board.entries.slice(2).every((e: { tiedWithBest: boolean | null }) => e.tiedWithBest === null)).toBe(true);

    // The sweep never looked finished between its rungs.
    const types = (await readSweepEvents(stack.app.redis, stack.prefix, id, '0-0', { count: 10_000 })).map((e) => e.event.type);
    expect(types.filter((t) => t === 'sweep.finished')).toHaveLength(1);
    expect(types.at(-1)).toBe('sweep.finished');
  });

  it('with rescale false, rungs train the full schedule cut short; such a sweep cannot be extended', async () => {
    const { id, trials } = await run(false);
    const extend = await stack.app.inject({ method: 'POST', url: `/v1/sweeps/${id}/extend`, payload: { seeds: [7] } });
    expect(extend.statusCode, extend.body).toBe(400);
    expect(extend.json().error.issues[0].message).toMatch(/cannot be extended/);
    const step0 = trials.find((t) => t.rung === 0 && t.schedule.type === 'StepLR')!;
    expect(await lrsOf(step0.id)).toEqual([0.1, 0.1]);
  });
});
