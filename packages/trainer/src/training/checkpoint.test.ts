import { createScheduler } from '@lrsweep/schedules';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { TrainerConfigError } from '../errors.ts';
import { encodeFloat32 } from '../tensor-codec.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.ts';
import { fromLegacyJsonCheckpoint, type LegacyJsonCheckpoint } from './legacy-checkpoint.ts';
import type { ScheduleSpec, SchedulerFactory } from './scheduler.types.ts';
import { spiralsTask, withoutSeconds } from './test-helpers.ts';
import { trainWith } from './train.ts';
import type { Checkpoint, EpochRow, TrainTask } from './train.types.ts';

const create: SchedulerFactory = createScheduler;
beforeAll(async () => {
  await selectBackend();
});

async function run(task: TrainTask, schedule: ScheduleSpec, resume?: Checkpoint) {
  const rows: EpochRow[] = [];
  const checkpoints: Checkpoint[] = [];
  const outcomes = await trainWith(
    {
      task,
      trials: [{ schedule, seed: 11, resume }],
      checkpoint: true,
      onEpoch: (_i, row, ckpt) => {
        rows.push(row);
        // Through bytes, as a checkpoint travels via its file.
        checkpoints.push(decodeCheckpoint(encodeCheckpoint(ckpt!)));
      },
    },
    create,
  );
  return { rows, checkpoints, outcomes };
}

const cases: [string, TrainTask, ScheduleSpec][] = [
  ['SGD momentum + StepLR', spiralsTask({ epochs: 5 }), { type: 'StepLR', step_size: 2, gamma: 0.5 }],
  [
    'Adam + OneCycleLR per step',
    spiralsTask({ epochs: 5, batchSize: 64, optimizer: { type: 'Adam', lr: 0.01 } }),
    { type: 'OneCycleLR', max_lr: 0.02, interval: 'step' },
  ],
];

describe('checkpoint and resume', () => {
  it.each(cases)('%s: resuming after epoch 1 reproduces epochs 2-4 exactly', async (_name, task, schedule) => {
    const full = await run(task, schedule);
    expect(full.rows).toHaveLength(5);
    const ckpt = full.checkpoints[1]!;
    expect(ckpt.epoch).toBe(1);
    const before = tf.memory().numTensors;
    const resumed = await run(task, schedule, ckpt);
    expect(tf.memory().numTensors).toBe(before);
    expect(resumed.rows.map((r) => r.epoch)).toEqual([2, 3, 4]);
    expect(withoutSeconds(resumed.rows)).toEqual(withoutSeconds(full.rows.slice(2)));
    expect(resumed.outcomes[0]).toEqual({ status: 'completed', final: resumed.rows.at(-1) });
  });

  it('resuming from the last epoch trains nothing and returns the checkpointed row', async () => {
    const task = spiralsTask({ epochs: 2 });
    const full = await run(task, { type: 'StepLR', step_size: 1 });
    const resumed = await run(task, { type: 'StepLR', step_size: 1 }, full.checkpoints[1]);
    expect(resumed.rows).toEqual([]);
    expect(resumed.outcomes).toEqual([{ status: 'completed', final: full.rows[1] }]);
  });

  it('refuses a checkpoint taken with another seed', async () => {
    const task = spiralsTask({ epochs: 2 });
    const full = await run(task, { type: 'StepLR', step_size: 1 });
    const ckpt = { ...full.checkpoints[0]!, rng: { algorithm: 'mulberry32' as const, seed: 12 } };
    await expect(run(task, { type: 'StepLR', step_size: 1 }, ckpt)).rejects.toThrow(TrainerConfigError);
  });

  it('resumes from a format 1 JSON checkpoint (as older versions stored in Postgres) exactly as from a binary one', async () => {
    const [, task, schedule] = cases[1]!;
    const full = await run(task, schedule);
    const ckpt = full.checkpoints[1]!;
    // What an older worker wrote: base64 float32 everywhere, through JSON.
    const legacy = JSON.parse(
      JSON.stringify({
        ...ckpt,
        format: 1,
        weights: ckpt.weights.map(encodeFloat32),
        optimizerState: { ...ckpt.optimizerState, slots: Object.fromEntries(Object.entries(ckpt.optimizerState.slots).map(([k, v]) => [k, v.map((a) => (a ? encodeFloat32(a) : null))])) },
      }),
    ) as LegacyJsonCheckpoint;
    const resumed = await run(task, schedule, fromLegacyJsonCheckpoint(legacy));
    expect(withoutSeconds(resumed.rows)).toEqual(withoutSeconds(full.rows.slice(2)));
  });
});
