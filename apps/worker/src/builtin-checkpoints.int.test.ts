import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@lrsweep/config';
import { createSweepWithTrials, getTrial, listEpochs, saveCheckpoint, type EpochView, type Prisma } from '@lrsweep/db';
import { createTestDatabase, type TestDatabase } from '@lrsweep/db/testing';
import { decodeCheckpoint, selectBackend } from '@lrsweep/trainer';
import type { CheckpointPointer } from './builtin-checkpoints.ts';
import { createBuiltinRunner } from './builtin.runner.ts';
import type { TrialHooks } from './trial-hooks.ts';
import { runTrials, type LifecycleContext } from './trial-lifecycle.ts';
import type { TrialRunner } from './trial-runner.ts';
import { createTrialStore } from './trial-store.ts';

// Built-in trials' checkpoints as files with a pointer in Postgres (builtin-checkpoints.ts),
// against the real Postgres, training a small MLP for real on the blas backend (the noop one
// has no weights to lose).

let database: TestDatabase;
let ctx: LifecycleContext;
let dir: string;
let runner: TrialRunner;
const backend = { name: 'blas' };
const heard = new Map<string, number[]>();
const recorder: TrialHooks = { epoch: (t, row) => void heard.set(t.trialId, [...(heard.get(t.trialId) ?? []), row.epoch]) };

async function newTrial(epochs = 5): Promise<string> {
  const schedule = { type: 'StepLR', step_size: 1, gamma: 0.7 };
  const { trialIds } = await createSweepWithTrials(database.db, {
    name: 'checkpoint-files',
    spec: { task: { dataset: 'spirals', model: { type: 'mlp', hidden: [16] }, epochs, batchSize: 32, optimizer: { type: 'Adam', lr: 0.01 } }, schedules: [schedule] },
    objectiveMetric: 'val_loss',
    objectiveMode: 'min',
    trials: [{ index: 0, schedule, scheduleKey: JSON.stringify(schedule), seed: 7 }],
  });
  return trialIds[0]!;
}

const metrics = (rows: EpochView[]) => rows.map(({ epoch, lr, train_loss, val_loss, val_acc }) => ({ epoch, lr, train_loss, val_loss, val_acc }));

/** Runs the trial until epoch `at` is recorded, then hands it back as a worker shutting down does. */
async function handBackAfter(trialId: string, at: number, r = runner): Promise<CheckpointPointer> {
  const shutdown = new AbortController();
  const stop: TrialHooks = { epoch: (_t, row) => void (row.epoch === at && shutdown.abort()) };
  expect(await runTrials([{ trialId, lastAttempt: false, handBack: shutdown.signal, hooks: [stop] }], r, ctx)).toEqual([{ end: 'handed-back' }]);
  return (await getTrial(database.db, trialId))!.checkpoint as unknown as CheckpointPointer;
}

async function complete(trialId: string, r = runner) {
  expect(await runTrials([{ trialId, lastAttempt: false }], r, ctx)).toEqual([{ end: 'done', result: { state: 'completed' } }]);
  return listEpochs(database.db, trialId);
}

let reference: Awaited<ReturnType<typeof complete>>;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-ckpt-'));
  await selectBackend('blas');
  ctx = { store: createTrialStore(database.db, 'test-worker'), logger: createLogger('worker-test', 'silent'), hooks: [recorder] };
  runner = createBuiltinRunner(backend, { noopEpochMs: 0, checkpointDir: dir });
  reference = await complete(await newTrial());
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

describe('built-in checkpoints as files', () => {
  it('a handed-back trial points at its last epoch\'s file (older ones pruned) and resumes from it to the same rows', async () => {
    const id = await newTrial();
    const pointer = await handBackAfter(id, 1);
    expect(pointer).toEqual({ format: 'file', epoch: 1, file: path.join(id, 'checkpoint-1.bin') });
    // Older files are pruned after the pointer commits, not waited for; the epoch before the last
    // stays, since a training process hears of a commit one epoch late (builtin.runner.ts).
    await vi.waitFor(() => expect(readdirSync(path.join(dir, id)).sort()).toEqual(['checkpoint-0.bin', 'checkpoint-1.bin']));
    const ckpt = decodeCheckpoint(readFileSync(path.join(dir, pointer.file)));
    expect(ckpt).toMatchObject({ epoch: 1, backend: 'blas', rng: { seed: 7 } });
    expect(ckpt.weights[0]).toBeInstanceOf(Float32Array);

    expect(metrics(await complete(id))).toEqual(metrics(reference));
    expect(heard.get(id)).toEqual([0, 1, 2, 3, 4]); // 2..4 on the second attempt: it resumed
    expect(existsSync(path.join(dir, id))).toBe(false); // a completed trial's files are gone
  });

  it('an epoch whose write fails leaves the pointer and its file at the epoch before: the retry resumes there', async () => {
    const id = await newTrial();
    const failing: LifecycleContext = {
      ...ctx,
      store: { ...ctx.store, recordEpoch: (w) => (w.row.epoch === 2 ? Promise.reject(new Error('disk full')) : ctx.store.recordEpoch(w)) },
    };
    expect(await runTrials([{ trialId: id, lastAttempt: false }], runner, failing)).toEqual([{ end: 'failed', error: new Error('disk full') }]);
    const trial = await getTrial(database.db, id);
    expect(trial).toMatchObject({ epochsDone: 2, checkpoint: { epoch: 1 } });
    expect(metrics(await complete(id))).toEqual(metrics(reference));
    expect(heard.get(id)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ['on a host without the file', (file: string) => rmSync(file)],
    ['cut short (a host that lost power)', (file: string) => writeFileSync(file, readFileSync(file).subarray(0, 1000))],
  ])('a trial whose checkpoint is lost %s trains again from epoch 0, its old rows dropped', async (_name, lose) => {
    const id = await newTrial();
    const pointer = await handBackAfter(id, 2);
    lose(path.join(dir, pointer.file));
    let seenAtFirstEpoch: number[] = [];
    const look: TrialHooks = { epoch: async (_t, row) => void (row.epoch === 0 && (seenAtFirstEpoch = (await listEpochs(database.db, id)).map((e) => e.epoch))) };
    expect(await runTrials([{ trialId: id, lastAttempt: false, hooks: [look] }], runner, ctx)).toEqual([{ end: 'done', result: { state: 'completed' } }]);
    expect(seenAtFirstEpoch).toEqual([0]); // epochs 1 and 2 of the lost run were dropped
    expect(heard.get(id)).toEqual([0, 1, 2, 0, 1, 2, 3, 4]);
    expect(metrics(await listEpochs(database.db, id))).toEqual(metrics(reference));
    expect(await getTrial(database.db, id)).toMatchObject({ state: 'completed', epochsDone: 5 });
  });

  it('a format 1 JSON checkpoint an older version stored in Trial.checkpoint still resumes', async () => {
    const id = await newTrial();
    const pointer = await handBackAfter(id, 1);
    const ckpt = decodeCheckpoint(readFileSync(path.join(dir, pointer.file)));
    const b64 = (a: Float32Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') : null);
    const legacy = {
      ...ckpt,
      format: 1,
      weights: ckpt.weights.map(b64),
      optimizerState: { ...ckpt.optimizerState, slots: Object.fromEntries(Object.entries(ckpt.optimizerState.slots).map(([k, v]) => [k, v.map(b64)])) },
    };
    await saveCheckpoint(database.db, id, JSON.parse(JSON.stringify(legacy)) as Prisma.InputJsonValue);
    rmSync(path.join(dir, id), { recursive: true });
    expect(metrics(await complete(id))).toEqual(metrics(reference));
    expect(heard.get(id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps the checkpoint of a trial that ends cancelled, for a rerun to resume from', async () => {
    const id = await newTrial();
    const other = createBuiltinRunner(backend, { noopEpochMs: 0, checkpointDir: dir });
    await runTrials([{ trialId: id, lastAttempt: false, hooks: [{ epoch: async (t, row) => void (row.epoch === 1 && (await database.db.trial.update({ where: { id: t.trialId }, data: { state: 'cancelled' } }))) }] }], other, ctx);
    expect((await getTrial(database.db, id))?.state).toBe('cancelled');
    expect(readdirSync(path.join(dir, id)).length).toBeGreaterThan(0);
  });
});
