import { REFUSED_TASKS } from '@lrsweep/contracts/testing';
import { createScheduler } from '@lrsweep/schedules';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { TrainerConfigError } from '../errors.ts';
import type { SchedulerFactory } from './scheduler.types.ts';
import { spiralsTask, withoutSeconds } from './test-helpers.ts';
import { trainWith } from './train.ts';
import type { EpochRow, TrainOptions, TrainTask } from './train.types.ts';

const create: SchedulerFactory = createScheduler;
beforeAll(async () => {
  await selectBackend();
});

const constant = { type: 'StepLR', step_size: 1000, gamma: 1 };

async function collect(opts: Omit<TrainOptions, 'onEpoch'>) {
  const rows: EpochRow[] = [];
  const outcomes = await trainWith({ ...opts, onEpoch: (_i, row) => void rows.push(row) }, create);
  return { rows, outcomes };
}

describe('train on spirals', () => {
  it('an SGD MLP learns well above chance (1/3)', async () => {
    const { rows, outcomes } = await collect({ task: spiralsTask({ epochs: 8 }), trials: [{ schedule: constant, seed: 1 }] });
    expect(rows.map((r) => r.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(outcomes[0]).toMatchObject({ status: 'completed', final: { epoch: 7 } });
    expect(rows.at(-1)!.val_acc).toBeGreaterThan(0.6);
    expect(rows.at(-1)!.train_loss).toBeLessThan(rows[0]!.train_loss);
  });

  it('is deterministic per seed, and different seeds differ', async () => {
    const trials = [1, 1, 2].map((seed) => ({ schedule: constant, seed }));
    const perTrial: EpochRow[][] = [[], [], []];
    await trainWith({ task: spiralsTask({ epochs: 2 }), trials, onEpoch: (i, row) => void perTrial[i]!.push(row) }, create);
    const [a, b, c] = perTrial.map(withoutSeconds);
    expect(a).toEqual(b);
    expect(a![1]!.val_loss).not.toEqual(c![1]!.val_loss);
  });

  it('ends a trial whose loss goes infinite as diverged, after reporting the epochs before', async () => {
    // lr 0.1 for epoch 0, then 1e6.
    const schedule = { type: 'StepLR', step_size: 1, gamma: 1e7 };
    const { rows, outcomes } = await collect({ task: spiralsTask(), trials: [{ schedule, seed: 3 }] });
    expect(rows.map((r) => r.epoch)).toEqual([0]);
    expect(outcomes[0]).toMatchObject({ status: 'diverged', epoch: 1 });
    expect((outcomes[0] as { reason: string }).reason).toMatch(/loss is (NaN|-?Infinity)/);
  });

  it('diverges in the first epoch with SGD at lr 1e6', async () => {
    const task = spiralsTask({ optimizer: { type: 'SGD', lr: 1e6 } });
    const { rows, outcomes } = await collect({ task, trials: [{ schedule: constant, seed: 3 }] });
    expect(rows).toEqual([]);
    expect(outcomes[0]).toMatchObject({ status: 'diverged', epoch: 0 });
  });

  it('stops at an epoch boundary when shouldStop says so', async () => {
    const rows: EpochRow[] = [];
    const outcomes = await trainWith(
      {
        task: spiralsTask(),
        trials: [{ schedule: constant, seed: 1 }],
        onEpoch: (_i, row) => void rows.push(row),
        shouldStop: () => rows.length >= 2,
      },
      create,
    );
    expect(outcomes).toEqual([{ status: 'stopped', epoch: 2 }]);
    expect(rows).toHaveLength(2);
  });

  it('leaves no tensors behind across trials', async () => {
    const opts = { task: spiralsTask({ epochs: 1 }), trials: [{ schedule: constant, seed: 1 }], checkpoint: true };
    await collect(opts);
    const before = tf.memory().numTensors;
    await collect({ ...opts, trials: [1, 2, 3].map((seed) => ({ schedule: constant, seed })) });
    await collect({ ...opts, task: spiralsTask({ epochs: 1, optimizer: { type: 'AdamW', lr: 0.01 } }) });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('task validation', () => {
  const cases: [string, Partial<ReturnType<typeof spiralsTask>> | Record<string, unknown>, string][] = [
    ['unknown dataset', { dataset: 'cifar' }, '/task/dataset'],
    ['unknown model', { model: { type: 'rnn' } }, '/task/model/type'],
    ['cnn on spirals', { model: { type: 'cnn' } }, '/task/model/type'],
    ['bad hidden size', { model: { type: 'mlp', hidden: [8, 0] } }, '/task/model/hidden/1'],
    ['zero epochs', { epochs: 0 }, '/task/epochs'],
    ['negative batch', { batchSize: -4 }, '/task/batchSize'],
    ['unknown optimizer', { optimizer: { type: 'RMSprop', lr: 0.1 } }, '/task/optimizer/type'],
  ];
  it.each(cases)('%s -> TrainerConfigError at its JSON pointer', async (_name, patch, path) => {
    const task = { ...spiralsTask(), ...patch } as ReturnType<typeof spiralsTask>;
    const run = trainWith({ task, trials: [{ schedule: constant, seed: 1 }], onEpoch: () => {} }, create);
    await expect(run).rejects.toThrow(TrainerConfigError);
    await expect(run).rejects.toMatchObject({ path });
  });

  // The tasks the API refuses at submit (apps/api's tests send the same table): the trainer
  // refuses each at the same field, so a refusal here can only come from a caller that skipped the API.
  it.each(REFUSED_TASKS.map((c) => [c.name, c] as const))('%s -> TrainerConfigError at the field the API names', async (_name, c) => {
    const run = trainWith({ task: c.task as unknown as TrainTask, trials: [{ schedule: constant, seed: 1 }], onEpoch: () => {} }, create);
    await expect(run).rejects.toThrow(TrainerConfigError);
    await expect(run).rejects.toMatchObject({ path: `/task${c.path}` });
  });

  it('reports a bad schedule under its trial, before any trial trains', async () => {
    const rows: EpochRow[] = [];
    const trials = [{ schedule: constant, seed: 1 }, { schedule: { type: 'StepLR', step_size: -1 }, seed: 1 }];
    const run = trainWith({ task: spiralsTask(), trials, onEpoch: (_i, r) => void rows.push(r) }, create);
    await expect(run).rejects.toMatchObject({ name: 'TrainerConfigError', path: expect.stringMatching(/^\/trials\/1\/schedule/) });
    expect(rows).toEqual([]);
  });
});
