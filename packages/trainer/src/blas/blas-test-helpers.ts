import { createScheduler } from '@lrsweep/schedules';
import { expect } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import type { ScheduleSpec } from '../training/scheduler.types.ts';
import { trainWith } from '../training/train.ts';
import type { Checkpoint, EpochRow, TrainOptions, TrainTask, TrialInput, TrialOutcome } from '../training/train.types.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../training/checkpoint-codec.ts';

export const constant: ScheduleSpec = { type: 'StepLR', step_size: 1000, gamma: 1 };

export interface TrialRecord {
  rows: EpochRow[];
  checkpoints: Checkpoint[];
  outcome: TrialOutcome;
}

/** Trains `trials` in one call on `backend`, recording each trial's rows and checkpoints (as they travel via the checkpoint file: the binary codec). */
export async function runTrials(
  backend: 'blas' | 'wasm',
  task: TrainTask,
  trials: TrialInput[],
  extra: Partial<Pick<TrainOptions, 'shouldStop' | 'onEpoch'>> = {},
): Promise<TrialRecord[]> {
  await selectBackend(backend);
  const records = trials.map(() => ({ rows: [] as EpochRow[], checkpoints: [] as Checkpoint[] }));
  const outcomes = await trainWith(
    {
      task,
      trials,
      checkpoint: true,
      shouldStop: extra.shouldStop,
      onEpoch: async (i, row, ckpt) => {
        records[i]!.rows.push(row);
        records[i]!.checkpoints.push(decodeCheckpoint(encodeCheckpoint(ckpt!)));
        await extra.onEpoch?.(i, row, ckpt);
      },
    },
    createScheduler,
  );
  return records.map((r, i) => ({ ...r, outcome: outcomes[i]! }));
}

/** One trial alone. */
export async function run(backend: 'blas' | 'wasm', task: TrainTask, schedule: ScheduleSpec, seed = 11, resume?: Checkpoint) {
  const [record] = await runTrials(backend, task, [{ schedule, seed, resume }]);
  return record!;
}

/**
 * Rows equal within 1e-4 in loss (the blas and wasm paths compute in float32 in different
 * orders: ~1e-6 on spirals), two val points in accuracy, and the same epochs and lrs.
 */
export function expectAgreement(actual: EpochRow[], expected: EpochRow[]) {
  expect(actual.map((r) => [r.epoch, r.lr])).toEqual(expected.map((r) => [r.epoch, r.lr]));
  actual.forEach((r, i) => {
    const w = expected[i]!;
    expect(Math.abs(r.train_loss - w.train_loss)).toBeLessThan(1e-4);
    expect(Math.abs(r.val_loss - w.val_loss)).toBeLessThan(1e-4);
    expect(Math.abs(r.val_acc - w.val_acc)).toBeLessThanOrEqual(2 / 180); // two of 180 val points
  });
}
