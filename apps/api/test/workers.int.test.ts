import { hostname } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, waitFor, type Stack } from './stack.ts';

// The worker registry against real worker processes: each heartbeats to Redis with a TTL,
// GET /v1/workers lists the live ones, a killed one drops out by itself, a stopped one at once.

type WorkerInfo = {
  id: string;
  host: string;
  pid: number;
  gpu: number | null;
  backend: string | null;
  currentTrials: string[];
  trialsDone: number;
  samplesPerSecond: number | null;
  startedAt: string;
  lastSeenAt: string;
};

let stack: Stack;
let plain: ChildProcess;
let pinned: ChildProcess;

beforeAll(async () => {
  // A 3 s lock gives a 3 s registry TTL, so the dead worker vanishes within seconds.
  stack = await startStack({ env: { LRSWEEP_BACKEND: 'noop', LRSWEEP_NOOP_EPOCH_MS: '300', LRSWEEP_LOCK_MS: '3000', LRSWEEP_RECONCILE_MS: '0' } });
});
afterAll(async () => {
  await stack?.stop();
});

const list = async (): Promise<WorkerInfo[]> => {
  const res = await stack.app.inject({ url: '/v1/workers' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
};

const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));

describe('GET /v1/workers', () => {
  it('is empty with no worker running', async () => {
    expect(await list()).toEqual([]);
  });

  it('lists each live worker with its host, pid, GPU, backend, current trial, trials done and speed', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/sweeps',
      payload: {
        name: 'registry',
        task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 5, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
        schedules: [{ type: 'StepLR', step_size: 2 }, { type: 'ExponentialLR', gamma: 0.9 }],
        seeds: 3,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    plain = stack.startWorker();
    pinned = stack.startWorker({}, ['--gpu', '1']);

    const busy = await waitFor('both workers registered, one training', async () => {
      const items = await list();
      return items.length === 2 && items.some((w) => w.currentTrials.length === 1 && w.samplesPerSecond !== null) ? items : null;
    });
    expect(busy.map((w) => w.pid).sort()).toEqual([plain.pid, pinned.pid].sort());
    for (const w of busy) {
      expect(w.host).toBe(hostname());
      expect(w.id).toBe(`${hostname()}:${w.pid}`);
      expect(w.gpu).toBe(w.pid === pinned.pid ? 1 : null);
      expect(Date.parse(w.startedAt)).toBeLessThanOrEqual(Date.parse(w.lastSeenAt));
    }
    // The same worker the wait saw: the other may have just claimed a trial and not yet timed an epoch.
    const training = busy.find((w) => w.currentTrials.length === 1 && w.samplesPerSecond !== null)!;
    expect(training.backend).toBe('noop');
    expect(training.samplesPerSecond).toBeGreaterThan(0);
    // The trial it names is running in Postgres, on this very worker.
    const trial = await stack.db.trial.findUniqueOrThrow({ where: { id: training.currentTrials[0]! } });
    expect(trial.worker).toBe(training.id);

    const counted = await waitFor('a finished trial counted', async () => {
      const items = await list();
      return items.reduce((n, w) => n + w.trialsDone, 0) >= 1 ? items : null;
    });
    expect(counted).toHaveLength(2);
  });

  it('drops a killed worker after its TTL and a stopped one at once', async () => {
    plain.kill('SIGKILL');
    await exited(plain);
    const left = await waitFor('the killed worker to expire', async () => {
      const items = await list();
      return items.length === 1 ? items : null;
    }, 30_000);
    expect(left[0]!.pid).toBe(pinned.pid);

    pinned.kill('SIGTERM');
    await exited(pinned);
    expect(await list()).toEqual([]);
  });
});
