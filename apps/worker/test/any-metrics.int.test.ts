import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrialQueue, listTrainers } from '@lrsweep/queue';
import { startStack, waitFor, type Stack } from '../../api/test/stack.ts';

// A sweep whose objective is a metric of the script's own (val_f1, maximised), end to end: a
// real worker runs a standard-library script per trial against the real Postgres and Redis,
// and the leaderboard ranks on that metric.

const f1Trainer = fileURLToPath(new URL('./f1-trainer.py', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-metrics-'));
const config = path.join(dir, 'workers.yaml');
writeFileSync(config, ['trainers:', '  f1:', `    command: ${JSON.stringify(f1Trainer)}`, '    interpreter: /usr/bin/python3', 'checkpointDir: checkpoints', 'killGraceSeconds: 1'].join('\n'));

const GAMMAS = [0.5, 0.9, 0.2];
const sweep = (mode: string, objective: object = { metric: 'val_f1', mode: 'max' }) => ({
  name: `metrics-${mode}`,
  task: { trainer: 'f1', args: { mode }, epochs: 3, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1, gamma: { values: GAMMAS } }],
  seeds: 1,
  objective,
});

type Epoch = { epoch: number; train_loss: number | null; val_loss: number | null; val_acc: number | null; metrics?: Record<string, number> };
type Trial = { id: string; state: string; error: string | null; attempts: number; objective: number | null; epochs: Epoch[] };

let stack: Stack;
const sweeps: Record<string, Promise<string>> = {};

async function submit(body: object): Promise<string> {
  const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The sweep's trials in detail once all have finished. */
async function finished(sweepId: string): Promise<Trial[]> {
  return waitFor(`sweep ${sweepId} to finish`, async () => {
    const { items } = (await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials` })).json() as { items: { id: string; state: string }[] };
    if (!items.every((t) => ['completed', 'failed', 'diverged', 'cancelled'].includes(t.state))) return null;
    return Promise.all(items.map(async (t) => (await stack.app.inject({ url: `/v1/trials/${t.id}` })).json() as Trial));
  }, 60_000);
}

beforeAll(async () => {
  stack = await startStack();
  stack.startWorker({ LRSWEEP_CONFIG: config, LRSWEEP_LOCK_MS: '2000', LRSWEEP_WORKER_CONCURRENCY: '8' });
  await waitFor('the worker to advertise its trainer', async () => (await listTrainers(stack.app.redis, stack.prefix)).includes('f1'));
  // Submitted together; each test awaits its own.
  for (const mode of ['ok', 'no-objective', 'bad-name']) sweeps[mode] = submit(sweep(mode));
  sweeps['nan-f1'] = submit(sweep('nan-f1', { metric: 'train_loss', mode: 'min' }));
});
afterAll(async () => {
  await createTrialQueue(stack.app.redis, stack.prefix, 'f1').obliterate({ force: true }).catch(() => {});
  await stack?.stop();
});

describe("a script sweep whose objective is a metric of the script's own", () => {
  it('stores every metric with its epoch and ranks the schedules on the objective, maximised', async () => {
    const id = await sweeps.ok!;
    const trials = await finished(id);
    for (const t of trials) expect(t.state, t.error ?? '').toBe('completed');
    const [first] = trials;
    expect(first!.epochs.map((e) => [e.epoch, e.train_loss, e.val_loss, e.val_acc, e.metrics])).toEqual([
      [0, 1, null, null, { val_f1: expect.any(Number), 'val/precision': 0.9 }],
      [1, 0.5, null, null, { val_f1: expect.any(Number), 'val/precision': 0.9 }],
      [2, 1 / 3, null, null, { val_f1: expect.any(Number), 'val/precision': 0.9 }],
    ]);
    // The trial's objective is its last epoch's val_f1.
    for (const t of trials) expect(t.objective).toBe(t.epochs.at(-1)!.metrics!.val_f1);

    const board = (await stack.app.inject({ url: `/v1/sweeps/${id}/leaderboard` })).json();
    expect(board).toMatchObject({ metric: 'val_f1', mode: 'max' });
    expect(board.entries.map((e: { schedule: { gamma: number } }) => e.schedule.gamma)).toEqual([0.9, 0.5, 0.2]);
    expect(board.entries[0].mean).toBeCloseTo(0.5 * 0.9 + 0.02, 12);
    expect((await stack.app.inject({ url: `/v1/sweeps/${id}` })).json().objective).toEqual({ metric: 'val_f1', mode: 'max' });

    // The live events carry them too: each trial.epoch event has the epoch's own metrics.
    const entries = await stack.app.redis.xrange(`${stack.prefix}:events:${id}`, '-', '+');
    const epochs = entries.map(([, fields]) => JSON.parse(fields[1]!)).filter((e) => e.type === 'trial.epoch' && e.trialId === first!.id);
    expect(epochs.map((e) => [e.epoch, e.val_acc, e.metrics])).toEqual(first!.epochs.map((e) => [e.epoch, null, e.metrics]));
  });

  it('fails a trial that never reports its objective, naming it and what it did report', async () => {
    const trials = await finished(await sweeps['no-objective']!);
    for (const t of trials) {
      expect(t.state).toBe('failed');
      expect(t.error).toBe('the script never reported the objective metric val_f1 (metrics it reported: val_loss)');
      expect(t.attempts).toBe(1); // it would not report it on another attempt either
    }
  });

  it('fails a trial whose report has a metric that is not a name, without retries', async () => {
    const trials = await finished(await sweeps['bad-name']!);
    for (const t of trials) {
      expect(t.state).toBe('failed');
      expect(t.error).toMatch(/^a bad report at epoch 0: metric name 'val f1' is not a name/);
      expect(t.attempts).toBe(1);
    }
  });

  it('fails a trial with a non-finite metric other than a loss or the objective, naming it', async () => {
    const trials = await finished(await sweeps['nan-f1']!);
    for (const t of trials) {
      expect(t.state).toBe('failed');
      expect(t.error).toBe("epoch 1 reported val_f1 = NaN: metrics must be finite numbers (a non-finite train_loss, val_loss or objective train_loss means the trial diverged)");
      expect(t.epochs.map((e) => e.epoch)).toEqual([0]);
    }
  });
});
