import { createScheduler } from '@lrsweep/schedules';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/select-backend.ts';
import { prepareSchedule } from './prepare-schedule.ts';
import type { ScheduleSpec, SchedulerFactory } from './scheduler.types.ts';
import { spiralsTask } from './test-helpers.ts';
import { trainWith } from './train.ts';
import type { EpochRow, TrainTask } from './train.types.ts';

const create: SchedulerFactory = createScheduler;
beforeAll(async () => {
  await selectBackend();
});

async function run(task: TrainTask, schedule: ScheduleSpec, spy?: (metric: number | undefined) => void) {
  const rows: EpochRow[] = [];
  const factory: SchedulerFactory = (spec, opt) => {
    const s = create(spec, opt);
    if (!spy) return s;
    // Wrap step() to see what the trainer passes; everything else is the real scheduler.
    return new Proxy(s, {
      get: (target, key) =>
        key === 'step' ? (m?: number) => (spy(m), target.step(m)) : Reflect.get(target, key, target),
    });
  };
  const outcomes = await trainWith({ task, trials: [{ schedule, seed: 5 }], onEpoch: (_i, r) => void rows.push(r) }, factory);
  return { rows, outcomes };
}

describe('the lr of each epoch follows the schedule', () => {
  it('StepLR(step_size=2, gamma=0.5) from 0.1 over 5 epochs', async () => {
    const { rows } = await run(spiralsTask({ epochs: 5 }), { type: 'StepLR', step_size: 2, gamma: 0.5 });
    expect(rows.map((r) => r.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('OneCycleLR stepped per batch: epoch e starts at the value after e*stepsPerEpoch steps', async () => {
    const task = spiralsTask({ epochs: 3, batchSize: 100 }); // 720 rows -> 8 steps per epoch
    const schedule: ScheduleSpec = { type: 'OneCycleLR', max_lr: 0.5, interval: 'step' };
    const { rows } = await run(task, schedule);
    const reference = create(prepareSchedule(schedule, 3, 8), task.optimizer);
    const expected: number[] = [];
    for (let step = 0; step < 3 * 8; step++) {
      if (step % 8 === 0) expected.push(reference.lrs[0]!);
      reference.step();
    }
    expect(rows.map((r) => r.lr)).toEqual(expected);
    expect(new Set(expected).size).toBe(3);
    expect(expected[0]).toBeCloseTo(0.5 / 25, 12);
  });

  it('ReduceLROnPlateau receives val_loss and cuts the lr once it stops improving', async () => {
    // lr 1e-6 barely moves the weights, so val_loss stops improving by torch's default
    // relative threshold (1e-4) after the first epoch; patience 0 cuts at once.
    const metrics: (number | undefined)[] = [];
    const task = spiralsTask({ optimizer: { type: 'SGD', lr: 1e-6 } });
    const schedule = { type: 'ReduceLROnPlateau', patience: 0, factor: 0.5 };
    const { rows } = await run(task, schedule, (m) => metrics.push(m));
    expect(metrics).toEqual(rows.map((r) => r.val_loss));
    expect(rows.map((r) => r.lr)).toEqual([1e-6, 1e-6, 5e-7, 2.5e-7]);
  });
});
