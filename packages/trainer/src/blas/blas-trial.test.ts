import { createScheduler } from '@lrsweep/schedules';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { createModel } from '../models/create-model.ts';
import { STREAM, deriveSeed, mulberry32 } from '../rng.ts';
import type { ScheduleSpec } from '../training/scheduler.types.ts';
import { spiralsTask, withoutSeconds } from '../training/test-helpers.ts';
import { trainWith } from '../training/train.ts';
import type { Checkpoint, EpochRow, TrainTask } from '../training/train.types.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../training/checkpoint-codec.ts';
import { blas } from './blas-addon.ts';
import { createBlasMlp } from './blas-mlp.model.ts';

const constant: ScheduleSpec = { type: 'StepLR', step_size: 1000, gamma: 1 };

async function run(backend: 'blas' | 'wasm', task: TrainTask, schedule: ScheduleSpec, seed = 11, resume?: Checkpoint) {
  await selectBackend(backend);
  const rows: EpochRow[] = [];
  const checkpoints: Checkpoint[] = [];
  const outcomes = await trainWith(
    {
      task,
      trials: [{ schedule, seed, resume }],
      checkpoint: true,
      onEpoch: (_i, row, ckpt) => {
        rows.push(row);
        checkpoints.push(decodeCheckpoint(encodeCheckpoint(ckpt!))); // as it travels via the checkpoint file
      },
    },
    createScheduler,
  );
  return { rows, checkpoints, outcome: outcomes[0]! };
}

/** The blas and wasm paths compute in float32 in different orders: equal to ~1e-6 on spirals. */
function expectAgreement(blas: EpochRow[], wasm: EpochRow[]) {
  expect(blas.map((r) => [r.epoch, r.lr])).toEqual(wasm.map((r) => [r.epoch, r.lr]));
  blas.forEach((r, i) => {
    const w = wasm[i]!;
    expect(Math.abs(r.train_loss - w.train_loss)).toBeLessThan(1e-4);
    expect(Math.abs(r.val_loss - w.val_loss)).toBeLessThan(1e-4);
    expect(Math.abs(r.val_acc - w.val_acc)).toBeLessThanOrEqual(2 / 180); // two of 180 val points
  });
}

describe('the blas path on spirals', () => {
  it('learns well above chance and is deterministic per seed', async () => {
    const a = await run('blas', spiralsTask({ epochs: 8 }), constant, 1);
    expect(a.outcome).toMatchObject({ status: 'completed', final: { epoch: 7 } });
    expect(a.rows.at(-1)!.val_acc).toBeGreaterThan(0.6);
    expect(a.rows.at(-1)!.train_loss).toBeLessThan(a.rows[0]!.train_loss);
    expect(a.checkpoints[0]!.backend).toBe('blas');
    const b = await run('blas', spiralsTask({ epochs: 8 }), constant, 1);
    const c = await run('blas', spiralsTask({ epochs: 8 }), constant, 2);
    expect(withoutSeconds(b.rows)).toEqual(withoutSeconds(a.rows));
    expect(c.rows.at(-1)!.val_loss).not.toEqual(a.rows.at(-1)!.val_loss);
  });

  const resumeCases: [string, TrainTask, ScheduleSpec][] = [
    ['SGD momentum + StepLR', spiralsTask({ epochs: 5 }), { type: 'StepLR', step_size: 2, gamma: 0.5 }],
    [
      'Adam + OneCycleLR per step (cycles beta1)',
      spiralsTask({ epochs: 5, batchSize: 64, optimizer: { type: 'Adam', lr: 0.01 } }),
      { type: 'OneCycleLR', max_lr: 0.02, interval: 'step' },
    ],
  ];
  it.each(resumeCases)('%s: resuming after epoch 1 reproduces epochs 2-4 exactly', async (_name, task, schedule) => {
    const full = await run('blas', task, schedule);
    const resumed = await run('blas', task, schedule, 11, full.checkpoints[1]);
    expect(resumed.rows.map((r) => r.epoch)).toEqual([2, 3, 4]);
    expect(withoutSeconds(resumed.rows)).toEqual(withoutSeconds(full.rows.slice(2)));
    expect(resumed.outcome).toEqual({ status: 'completed', final: resumed.rows.at(-1) });
  });

  it('ends a trial whose loss goes infinite as diverged, like the tfjs path', async () => {
    const task = spiralsTask({ optimizer: { type: 'SGD', lr: 1e6 } });
    const { rows, outcome } = await run('blas', task, constant, 3);
    expect(rows).toEqual([]);
    expect(outcome).toMatchObject({ status: 'diverged', epoch: 0, reason: expect.stringMatching(/loss is (NaN|-?Infinity)/) });
  });
});

describe('blas agrees with wasm for the same seed (same init, data order and semantics)', () => {
  it('draws bit-identical initial weights', async () => {
    await selectBackend('wasm');
    const d = await loadDataset('spirals');
    const seed = deriveSeed(5, STREAM.init);
    const model = createModel({ type: 'mlp', hidden: [32, 16] }, d, seed);
    const net = createBlasMlp(d.features, [32, 16], d.classes, mulberry32(seed));
    expect(net.params.map((p) => Array.from(p))).toEqual(model.params.map((p) => Array.from(p.dataSync())));
    model.dispose();
  });

  const cases: [string, TrainTask, ScheduleSpec][] = [
    ['SGD momentum, StepLR', spiralsTask({ epochs: 5 }), { type: 'StepLR', step_size: 2, gamma: 0.5 }],
    [
      'SGD nesterov + weight decay',
      spiralsTask({ epochs: 5, optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 } }),
      constant,
    ],
    [
      'Adam, OneCycleLR per step',
      spiralsTask({ epochs: 5, optimizer: { type: 'Adam', lr: 0.01 } }),
      { type: 'OneCycleLR', max_lr: 0.02, interval: 'step' },
    ],
    ['AdamW', spiralsTask({ epochs: 5, optimizer: { type: 'AdamW', lr: 0.01, weight_decay: 0.1 } }), constant],
    ['no hidden layer (softmax regression)', spiralsTask({ epochs: 3, model: { type: 'mlp', hidden: [] } }), constant],
    ['three hidden layers, a short last batch', spiralsTask({ epochs: 3, batchSize: 100, model: { type: 'mlp', hidden: [16, 8, 8] } }), constant],
  ];
  it.each(cases)('%s: every epoch within 1e-4', async (_name, task, schedule) => {
    const wasm = await run('wasm', task, schedule);
    const blas = await run('blas', task, schedule);
    expectAgreement(blas.rows, wasm.rows);
  });

  it('agrees on every sgemm kernel this CPU runs (AVX-512, AVX2, portable), not only the one picked', async () => {
    const task = spiralsTask({ epochs: 3, model: { type: 'mlp', hidden: [32, 16] } });
    const wasm = await run('wasm', task, constant);
    await selectBackend('blas');
    const picked = blas().kernels();
    const tried: string[] = [];
    try {
      for (const kernels of ['avx512', 'avx2', 'portable']) {
        if (!blas().useKernels(kernels)) continue;
        tried.push(kernels);
        expectAgreement((await run('blas', task, constant)).rows, wasm.rows);
      }
    } finally {
      blas().useKernels(picked);
    }
    expect(tried).toContain('portable');
    expect(tried).toContain(picked);
  });

  it('resumes a wasm checkpoint on blas (one checkpoint format)', async () => {
    const task = spiralsTask({ epochs: 4 });
    const schedule: ScheduleSpec = { type: 'StepLR', step_size: 1, gamma: 0.7 };
    const wasm = await run('wasm', task, schedule);
    const resumed = await run('blas', task, schedule, 11, wasm.checkpoints[1]);
    expectAgreement(resumed.rows, wasm.rows.slice(2));
  });

  it('resumes a blas checkpoint on wasm (and back)', async () => {
    const task = spiralsTask({ epochs: 4, optimizer: { type: 'Adam', lr: 0.01 } });
    const schedule: ScheduleSpec = { type: 'StepLR', step_size: 1, gamma: 0.7 };
    const native = await run('blas', task, schedule);
    const resumed = await run('wasm', task, schedule, 11, native.checkpoints[1]);
    expectAgreement(resumed.rows, native.rows.slice(2));
  });

  it('leaves models it does not cover (the cnn) to tfjs', async () => {
    await selectBackend('blas');
    expect(tf.getBackend()).toBe('wasm');
    const task: TrainTask = {
      dataset: 'mnist', model: { type: 'cnn', channels: [2] }, epochs: 1, batchSize: 500,
      optimizer: { type: 'Adam', lr: 0.01 },
    };
    const { rows, outcome } = await run('blas', task, constant);
    expect(outcome.status).toBe('completed');
    expect(rows[0]!.val_acc).toBeGreaterThan(0.3);
    expect(rows[0]!.val_acc).toBeLessThanOrEqual(1);
  });
});
