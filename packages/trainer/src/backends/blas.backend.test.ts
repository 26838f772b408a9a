import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { blas } from '../blas/blas-addon.ts';
import { constant, expectAgreement, run } from '../blas/blas-test-helpers.ts';
import { createPackedMlp } from '../blas/packed-mlp.model.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { createModel } from '../models/create-model.ts';
import { STREAM, deriveSeed, mulberry32 } from '../rng.ts';
import type { ScheduleSpec } from '../training/scheduler.types.ts';
import type { TrainTask } from '../training/train.types.ts';
import { BackendUnavailableError } from '../errors.ts';
import { spiralsTask } from '../training/test-helpers.ts';
import { train } from '../index.ts';
import { activeBackend, selectBackend } from './select-backend.ts';

const missing = { blas: { addonPath: '/nonexistent/lrsweep_blas.node' } };

describe('the blas backend', () => {
  it('is chosen by name, reporting its sgemm kernels as the version, and tfjs on wasm for the rest', async () => {
    const info = await selectBackend('blas');
    expect(info).toEqual({ name: 'blas', version: expect.stringMatching(/^\d+\.\d+\.\d+\+(avx512|avx2|portable)$/) });
    expect(info.version).toMatch(new RegExp(`\\+${blas().kernels()}$`));
    expect(tf.getBackend()).toBe('wasm');
  });

  it('comes before wasm in the default order where its addon is built', async () => {
    await selectBackend('cpu');
    const info = await selectBackend();
    expect(['tensorflow-gpu', 'tensorflow', 'blas']).toContain(info.name);
  });

  it('is skipped, falling back to wasm, when the addon was not built', async () => {
    const info = await selectBackend(undefined, missing);
    expect(info.name).toBe('wasm');
    expect(activeBackend()).toEqual(info);
    // ...and training then runs on tfjs.
    const rows: number[] = [];
    const task = spiralsTask({ epochs: 1 });
    const [outcome] = await train({ task, trials: [{ schedule: { type: 'StepLR', step_size: 9 }, seed: 1 }], onEpoch: (_i, r) => void rows.push(r.val_loss) });
    expect(outcome!.status).toBe('completed');
  });

  it('asked for by name without its addon, fails naming blas and how to build it', async () => {
    await selectBackend('wasm');
    const err = await selectBackend('blas', missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).backend).toBe('blas');
    expect((err as Error).message).toMatch(/not built.*npm run build:native/);
  });
});

describe('blas agrees with wasm for the same seed (same init, data order and semantics)', () => {
  it('draws bit-identical initial weights', async () => {
    await selectBackend('wasm');
    const d = await loadDataset('spirals');
    const seed = deriveSeed(5, STREAM.init);
    const model = createModel({ type: 'mlp', hidden: [32, 16] }, d, seed);
    const wasmWeights = model.params.map((p) => Array.from(p.dataSync()));
    // Every trial of a pack starts from the same draws.
    const net = createPackedMlp(d.features, [32, 16], d.classes, mulberry32(seed), 3);
    for (let k = 0; k < 3; k++) expect(net.params(k).map((p) => Array.from(p))).toEqual(wasmWeights);
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

  it('on mnist too, where the first layer skips the pixels a batch has no ink in', async () => {
    const task: TrainTask = { dataset: 'mnist', model: { type: 'mlp', hidden: [32] }, epochs: 1, batchSize: 64, optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9 } };
    const wasm = await run('wasm', task, constant, 3);
    const blas = await run('blas', task, constant, 3);
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
});
