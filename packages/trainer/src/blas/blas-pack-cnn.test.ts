import { createScheduler } from '@lrsweep/schedules';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import type { ScheduleSpec } from '../training/scheduler.types.ts';
import { withoutSeconds } from '../training/test-helpers.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../training/checkpoint-codec.ts';
import { trainWith } from '../training/train.ts';
import type { Checkpoint, EpochRow, TrainTask } from '../training/train.types.ts';

const task: TrainTask = {
  dataset: 'mnist',
  model: { type: 'cnn', channels: [4, 8] },
  epochs: 2,
  batchSize: 64,
  optimizer: { type: 'Adam', lr: 0.003 },
};
const schedule: ScheduleSpec = { type: 'StepLR', step_size: 1, gamma: 0.5 };

async function run(resume?: Checkpoint, backend = 'blas', t = task) {
  await selectBackend(backend);
  const rows: EpochRow[] = [];
  const checkpoints: Checkpoint[] = [];
  const tensorsDuringTraining: number[] = [];
  const before = tf.memory().numTensors;
  const [outcome] = await trainWith(
    {
      task: t,
      trials: [{ schedule, seed: 4, resume }],
      checkpoint: true,
      onEpoch: (_i, row, ckpt) => {
        tensorsDuringTraining.push(tf.memory().numTensors - before);
        rows.push(row);
        checkpoints.push(decodeCheckpoint(encodeCheckpoint(ckpt!))); // as it travels via the checkpoint file
      },
    },
    createScheduler,
  );
  return { rows, checkpoints, outcome: outcome!, tensorsDuringTraining };
}

describe('the cnn on the blas backend', () => {
  it('trains on the native kernels (no tfjs tensors alive), learns, checkpoints as blas and resumes exactly', async () => {
    const full = await run();
    expect(full.outcome).toMatchObject({ status: 'completed', final: { epoch: 1 } });
    // The tfjs path holds the model's variables while it trains; this one holds none.
    expect(full.tensorsDuringTraining).toEqual([0, 0]);
    expect(full.rows[0]!.val_acc).toBeGreaterThan(0.8);
    expect(full.rows[1]!.train_loss).toBeLessThan(full.rows[0]!.train_loss);
    const ckpt = full.checkpoints[0]!;
    expect(ckpt.backend).toBe('blas');
    // The tfjs variable order: conv0 w [3,3,1,4], b; conv1 w [3,3,4,8], b; dense w [5*5*8, 10], b.
    expect(ckpt.weights.map((w) => w.length)).toEqual([36, 4, 288, 8, 2000, 10]);

    const resumed = await run(ckpt);
    expect(resumed.rows.map((r) => r.epoch)).toEqual([1]);
    expect(withoutSeconds(resumed.rows)).toEqual(withoutSeconds(full.rows.slice(1)));
  });

  it('resumes a wasm checkpoint (one format, one init) and agrees with wasm within 1e-4', async () => {
    const small: TrainTask = { ...task, model: { type: 'cnn', channels: [2] }, batchSize: 500 };
    const wasm = await run(undefined, 'wasm', small);
    expect(wasm.checkpoints[0]!.backend).toBe('wasm');
    const fresh = await run(undefined, 'blas', small);
    const resumed = await run(wasm.checkpoints[0], 'blas', small);
    [fresh.rows, [wasm.rows[0]!, ...resumed.rows]].forEach((rows) =>
      rows.forEach((r, i) => {
        const w = wasm.rows[i]!;
        expect(Math.abs(r.train_loss - w.train_loss)).toBeLessThan(1e-4);
        expect(Math.abs(r.val_loss - w.val_loss)).toBeLessThan(1e-4);
        expect(Math.abs(r.val_acc - w.val_acc)).toBeLessThanOrEqual(1 / 2000);
      }),
    );
    expect(resumed.rows.map((r) => r.epoch)).toEqual([1]);
  });

});

describe('cnn trials packed in one train() call', () => {
  it('give each trial the rows it gets alone, within 1e-4 (two schedules of one seed share a net, another seed its own)', async () => {
    await selectBackend('blas');
    const small: TrainTask = { ...task, model: { type: 'cnn', channels: [2, 4] }, epochs: 2, batchSize: 250 };
    const trials = [
      { schedule, seed: 4 },
      { schedule: { type: 'ExponentialLR', gamma: 0.3 } as ScheduleSpec, seed: 4 },
      { schedule, seed: 9 },
    ];
    const collect = async (list: typeof trials) => {
      const rows: EpochRow[][] = list.map(() => []);
      await trainWith({ task: small, trials: list, onEpoch: (i, row) => void rows[i]!.push(row) }, createScheduler);
      return rows;
    };
    const packed = await collect(trials);
    for (const [i, trial] of trials.entries()) {
      const [alone] = await collect([trial]);
      expect(packed[i]!.map((r) => r.epoch)).toEqual([0, 1]);
      packed[i]!.forEach((row, e) => {
        for (const key of ['lr', 'train_loss', 'val_loss', 'val_acc'] as const) expect(row[key]).toBeCloseTo(alone![e]![key], 4);
      });
    }
    // The two schedules of seed 4 really trained differently.
    expect(packed[0]![1]!.train_loss).not.toBe(packed[1]![1]!.train_loss);
  });
});
