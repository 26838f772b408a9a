import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@lrsweep/trainer';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';
import { systemPart } from '../../api/test/system-parts.ts';

// Packing through the whole stack: a real worker process on the blas backend gathers a sweep's
// queued trials into packs of LRSWEEP_PACK, and each trial's view says which pack it ran in.

const blas = systemPart('the native blas backend', await selectBackend('blas').then(() => true, () => false), 'npm run build:native');

const sweepBody = {
  name: 'packed',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [16] }, epochs: 3, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1, gamma: { values: [0.9, 0.7, 0.5, 0.3] } }],
  seeds: 1,
  objective: { metric: 'val_loss', mode: 'min' },
};

type TrialView = { id: string; state: string; epochsDone: number; pack: { id: string; size: number } | null; epochs: unknown[] };

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { LRSWEEP_BACKEND: 'blas' } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Submits the sweep with its trials queued before a worker with `env` starts, and returns each trial's view once it finishes. */
async function runSweep(env: Record<string, string>): Promise<TrialView[]> {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody });
  expect(res.statusCode, res.body).toBe(201);
  const sweepId: string = res.json().id;
  stack.startWorker(env);
  await waitFor('the sweep to finish', async () => (await stack.app.inject({ url: `/v1/sweeps/${sweepId}` })).json().status === 'completed', 120_000);
  await stack.stopWorkers();
  const items: Array<{ id: string }> = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials` })).json().items;
  return Promise.all(items.map(async (t) => (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json()));
}

describe.skipIf(!blas)('a sweep on a packing worker', () => {
  it('with LRSWEEP_PACK=4 trains its four trials as one pack, which GET /v1/trials/:id names', async () => {
    const trials = await runSweep({ LRSWEEP_PACK: '4' });
    expect(trials.map((t) => [t.state, t.epochsDone, t.epochs.length])).toEqual(trials.map(() => ['completed', 3, 3]));
    expect(new Set(trials.map((t) => t.pack?.id)).size).toBe(1);
    expect(trials.map((t) => t.pack?.size)).toEqual([4, 4, 4, 4]);
  });

  it('with LRSWEEP_PACK=1 trains them one by one, in no pack', async () => {
    const trials = await runSweep({ LRSWEEP_PACK: '1' });
    expect(trials.map((t) => [t.state, t.pack])).toEqual(trials.map(() => ['completed', null]));
  });
});
