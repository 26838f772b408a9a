import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trajectory } from '@lrsweep/schedules';
import { startStack, waitFor, type Stack } from './stack.ts';

// Faults against the real services and real worker processes: workers killed with SIGKILL or
// stopped with SIGTERM mid-trial, Redis flushed mid-sweep, Postgres connections cut. Trials
// run on the noop backend, which steps the real scheduler and reports its lr, with epochs of a
// fixed length so "mid-trial" is a window the test can hit. Short locks and a fast reconciler
// keep the recoveries to seconds instead of minutes.

const EPOCHS = 6;
const optimizer = { type: 'SGD', lr: 0.1 } as const;
const schedules = [
  { type: 'StepLR', step_size: 2, gamma: { values: [0.5, 0.1] } },
  { type: 'CosineAnnealingLR', T_max: EPOCHS, eta_min: 0.001 },
  { type: 'ExponentialLR', gamma: 0.8 },
  { type: 'MultiStepLR', milestones: [2, 4], gamma: 0.5 },
  { type: 'LinearLR', start_factor: 0.25, total_iters: 3 },
];
const sweepBody = (name: string) => ({
  name,
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 32, optimizer },
  schedules,
  seeds: 2,
  objective: { metric: 'val_loss', mode: 'min' },
});
const TRIALS = 12; // (2 + 1 + 1 + 1 + 1) schedules x 2 seeds

const faultEnv = (epochMs: number, extra: Record<string, string> = {}) => ({
  LRSWEEP_BACKEND: 'noop',
  LRSWEEP_NOOP_EPOCH_MS: String(epochMs),
  LRSWEEP_LOCK_MS: '2000',
  LRSWEEP_RECONCILE_MS: '1000',
  ...extra,
});

let stack: Stack | undefined;

async function submit(s: Stack, name: string): Promise<string> {
  const res = await s.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweepBody(name) });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().trials).toBe(TRIALS);
  return res.json().id;
}

async function waitCompleted(s: Stack, sweepId: string, trials = TRIALS) {
  const done = await waitFor(
    'the sweep to complete',
    async () => {
      const res = await s.app.inject({ url: `/v1/sweeps/${sweepId}` });
      return res.statusCode === 200 && res.json().status === 'completed' ? (res.json() as { trials: { completed: number } }) : null;
    },
    90_000,
  );
  expect(done.trials.completed).toBe(trials);
  return done;
}

type EpochRow = { trialId: string; epoch: number; lr: number; xmin: string };

async function epochRows(s: Stack, sweepId: string): Promise<EpochRow[]> {
  return s.db.$queryRaw<EpochRow[]>`
    SELECT e."trialId"::text AS "trialId", e.epoch, e.lr, e.xmin::text AS xmin
      FROM "Epoch" e JOIN "Trial" t ON t.id = e."trialId"
     WHERE t."sweepId" = ${sweepId}::uuid ORDER BY e."trialId", e.epoch`;
}

/**
 * Every trial completed with epochs 0..EPOCHS-1 each exactly once, its epochsDone agreeing, and
 * the lr of each epoch the schedule's own (PyTorch-exact) trajectory: a resume restored the
 * scheduler's state rather than restarting or skipping it.
 */
async function expectEveryEpochOnce(s: Stack, sweepId: string) {
  const trials = await s.db.trial.findMany({ where: { sweepId } });
  expect(trials).toHaveLength(TRIALS);
  const rows = await epochRows(s, sweepId);
  for (const t of trials) {
    expect(t.state, `trial ${t.id}`).toBe('completed');
    expect(t.epochsDone).toBe(EPOCHS);
    const mine = rows.filter((r) => r.trialId === t.id);
    expect(mine.map((r) => r.epoch)).toEqual([...Array(EPOCHS).keys()]);
    const expected = trajectory({ optimizer, scheduler: t.schedule as never, steps: EPOCHS - 1 }).lr.map((row) => row[0]);
    expect(mine.map((r) => r.lr), `lr of ${JSON.stringify(t.schedule)}`).toEqual(expected);
  }
  return trials;
}

/** A running trial at least one epoch in and two from its end, on one of `workers`. */
async function trialMidway(s: Stack, sweepId: string, workers: ChildProcess[], epochs = EPOCHS) {
  return waitFor('a trial mid-way on a live worker', async () => {
    const running = await s.db.trial.findMany({ where: { sweepId, state: 'running', epochsDone: { gte: 1, lte: epochs - 3 } } });
    for (const t of running) {
      const w = workers.find((c) => c.exitCode === null && c.signalCode === null && t.worker?.endsWith(`:${c.pid}`));
      if (w) return { trial: t, worker: w };
    }
    return null;
  }, 60_000);
}

const exited = (c: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve({ code: c.exitCode, signal: c.signalCode });
    c.once('exit', (code, signal) => resolve({ code, signal }));
  });

// One stack for the worker faults and then the Postgres cut: worker processes take seconds to
// boot, and the workers left alive by the first test serve the second.
describe('workers die or stop mid-trial, then Postgres drops every connection', () => {
  beforeAll(async () => {
    stack = await startStack({ env: faultEnv(300) });
  });
  afterAll(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('resumes each interrupted trial from its last epoch elsewhere; every epoch is written once with the scheduled lr', async () => {
    const s = stack!;
    const sweepId = await submit(s, 'kill-workers');
    const workers = [s.startWorker(), s.startWorker(), s.startWorker()];

    // Twice SIGKILL (nothing runs in the worker: the stalled check hands its job on), once
    // SIGTERM (the worker checkpoints, releases the trial and moves its job back to wait).
    const interrupted: Array<{ trialId: string; kept: EpochRow[] }> = [];
    for (const signal of ['SIGKILL', 'SIGKILL', 'SIGTERM'] as const) {
      const { trial, worker } = await trialMidway(s, sweepId, workers);
      worker.kill(signal);
      const exit = await exited(worker);
      if (signal === 'SIGTERM') {
        expect(exit.code).toBe(0);
        // Handed back, not failed or cancelled: queued again or already resumed elsewhere.
        const after = await s.db.trial.findUniqueOrThrow({ where: { id: trial.id } });
        expect(['queued', 'running', 'completed']).toContain(after.state);
      }
      // Rows written before the interruption: a resume must not write them again.
      const kept = (await epochRows(s, sweepId)).filter((r) => r.trialId === trial.id);
      expect(kept.length).toBeGreaterThanOrEqual(1);
      interrupted.push({ trialId: trial.id, kept });
      workers.push(s.startWorker());
    }

    await waitCompleted(s, sweepId);
    const trials = await expectEveryEpochOnce(s, sweepId);
    const rows = await epochRows(s, sweepId);
    for (const { trialId, kept } of interrupted) {
      const t = trials.find((x) => x.id === trialId)!;
      expect(t.attempts, 'claimed again after the interruption').toBeGreaterThanOrEqual(2);
      // Same transaction id on every row written before the interruption: resumed after its
      // last finished epoch, not retrained from the start.
      const now = rows.filter((r) => r.trialId === trialId && r.epoch <= kept.at(-1)!.epoch);
      expect(now).toEqual(kept);
    }
  });

  it('workers retry their writes and lose no epoch; the API answers 503 meanwhile and recovers by itself', async () => {
    const s = stack!;
    const sweepId = await submit(s, 'cut-postgres'); // the previous test's live workers take it
    await waitFor('some trials running', async () => (await s.db.trial.count({ where: { sweepId, state: 'running' } })) >= 1);

    const dbName = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
    const database = (await s.db.$queryRaw<{ name: string }[]>`SELECT current_database() AS name`)[0]!.name;
    dbName.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: dbName.toString() });
    await admin.connect();
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    try {
      const until = Date.now() + 4_000;
      const cutter = (async () => {
        // Only this file's database, never the connection doing the cutting.
        while (Date.now() < until) {
          await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      while (Date.now() < until) {
        const res = await s.app.inject({ url: `/v1/sweeps/${sweepId}` });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) codes.add(res.json().error.code);
      }
      await cutter;
    } finally {
      await admin.end();
    }
    expect(statuses.get(503) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(0);
    expect(statuses.get(500) ?? 0, 'a lost connection is 503, never a 500').toBe(0);
    expect([...codes]).toEqual(['LRS_UNAVAILABLE']);
    // Recovers by itself: no restart, the pool reconnects.
    await waitFor('the API to answer again', async () => (await s.app.inject({ url: `/v1/sweeps/${sweepId}` })).statusCode === 200, 30_000);
    await waitCompleted(s, sweepId);
    await expectEveryEpochOnce(s, sweepId);
  });
});

describe('a real training run handed back mid-trial', () => {
  const EPOCHS_REAL = 30;
  it('resumes on another worker to exactly the metrics of an uninterrupted run (weights, optimizer, scheduler, data order)', async () => {
    // The workers' own backend, not noop: this is about the trained state surviving Postgres.
    const s = await startStack({ env: { LRSWEEP_LOCK_MS: '2000', LRSWEEP_RECONCILE_MS: '1000' } });
    stack = s;
    try {
      const body = {
        name: 'resume-equivalence',
        // Enough small-batch epochs that a quiet machine's fast backend is still mid-trial when the test looks.
        task: { dataset: 'spirals', model: { type: 'mlp', hidden: [16] }, epochs: EPOCHS_REAL, batchSize: 8, optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9 } },
        schedules: [{ type: 'ReduceLROnPlateau', factor: 0.5, patience: 0 }],
        seeds: [3],
      };
      const post = async () => (await s.app.inject({ method: 'POST', url: '/v1/sweeps', payload: body })).json().id as string;
      const first = s.startWorker();
      const reference = await post();
      await waitCompleted(s, reference, 1);
      const interrupted = await post();
      // Polled tighter than waitFor: real epochs can take milliseconds.
      let trial: { id: string } | null = null;
      for (const deadline = Date.now() + 60_000; !trial && Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        trial = await s.db.trial.findFirst({ where: { sweepId: interrupted, state: 'running', epochsDone: { gte: 1, lte: EPOCHS_REAL - 5 } } });
      }
      if (!trial) throw new Error('the trial was never seen mid-way');
      first.kill('SIGTERM');
      expect((await exited(first)).code).toBe(0);
      s.startWorker();
      await waitCompleted(s, interrupted, 1);

      const epochs = async (sweepId: string) => {
        const t = await s.db.trial.findFirstOrThrow({ where: { sweepId } });
        return { t, rows: await s.db.epoch.findMany({ where: { trialId: t.id }, orderBy: { epoch: 'asc' }, select: { epoch: true, lr: true, trainLoss: true, valLoss: true, valAcc: true } }) };
      };
      const a = await epochs(reference);
      const b = await epochs(interrupted);
      expect(b.t.id).toBe(trial.id);
      expect(b.t.attempts).toBe(2);
      expect(a.t.backend).not.toBe('noop');
      expect(b.t.backend).toBe(a.t.backend);
      expect(b.rows).toHaveLength(EPOCHS_REAL);
      expect(b.rows).toEqual(a.rows);
      expect(b.t.finalValLoss).toBe(a.t.finalValLoss);
    } finally {
      await s.stop();
      stack = undefined;
    }
  });
});

describe('Redis loses everything mid-sweep', () => {
  // Its own Redis database: other test files share db 0 under other prefixes and must not be
  // flushed. Using /7 also proves the index in REDIS_URL is honoured end to end.
  const REDIS_URL = 'redis://127.0.0.1:6379/7';

  it('the reconciler re-enqueues what Postgres says is unfinished; nothing is lost or trained twice', async () => {
    const s = await startStack({ env: faultEnv(250, { REDIS_URL }) });
    stack = s;
    const sweepId = await submit(s, 'flush-redis');
    const db0 = new Redis('redis://127.0.0.1:6379/0');
    const db7 = new Redis(REDIS_URL);
    try {
      // The jobs went to /7, into the LIST deploy/k8s's KEDA trigger measures.
      expect(await db7.type(`${s.prefix}:trials:wait`)).toBe('list');
      expect(await db7.llen(`${s.prefix}:trials:wait`)).toBe(TRIALS);
      s.startWorker();
      s.startWorker();
      await waitFor('a third of the trials done', async () => (await s.db.trial.count({ where: { sweepId, state: 'completed' } })) >= TRIALS / 3);
      await db7.flushdb();
      expect(await db7.exists(`${s.prefix}:trials:wait`)).toBe(0);
      // Re-enqueued by the reconciler, from Postgres alone.
      await waitFor('the lost trials back on the queue', async () => (await s.app.inject({ url: '/v1/queue' })).json().waiting > 0, 30_000);
      await waitCompleted(s, sweepId);
      await expectEveryEpochOnce(s, sweepId);
      const board = (await s.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard` })).json();
      expect(board.entries.map((e: { n: number }) => e.n)).toEqual(Array(6).fill(2));
      // Nothing of this stack ever went to db 0.
      expect(await db0.keys(`${s.prefix}:*`)).toEqual([]);
    } finally {
      db0.disconnect();
      db7.disconnect();
      await s.stop();
      stack = undefined;
    }
  });
});

afterAll(async () => {
  await stack?.stop();
});
