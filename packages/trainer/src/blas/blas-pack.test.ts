import { describe, expect, it } from 'vitest';
import type { ScheduleSpec } from '../training/scheduler.types.ts';
import { spiralsTask, withoutSeconds } from '../training/test-helpers.ts';
import type { TrainTask, TrialInput } from '../training/train.types.ts';
import { constant, expectAgreement, run, runTrials } from './blas-test-helpers.ts';

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


const step: ScheduleSpec = { type: 'StepLR', step_size: 2, gamma: 0.5 };
const cosine: ScheduleSpec = { type: 'CosineAnnealingLR', T_max: 5 };
/** Multiplies the lr by 1e4 every epoch: diverges after a few epochs. */
const exploding: ScheduleSpec = { type: 'ExponentialLR', gamma: 1e4 };

/** Each trial of `trials` trained alone, in its own call. */
const solo = (task: TrainTask, trials: TrialInput[]) =>
  Promise.all(trials.map(async (t) => (await runTrials('blas', task, [t]))[0]!));

describe('packed trials on blas equal the same trials trained alone', () => {
  // Three seeds, two of them with three schedules each: packs of 3, 2 and 1.
  const mixed: TrialInput[] = [
    { schedule: step, seed: 1 },
    { schedule: constant, seed: 2 },
    { schedule: cosine, seed: 1 },
    { schedule: step, seed: 3 },
    { schedule: constant, seed: 1 },
    { schedule: cosine, seed: 2 },
  ];
  const cases: [string, TrainTask, TrialInput[]][] = [
    ['SGD momentum', spiralsTask({ epochs: 5 }), mixed],
    ['SGD nesterov + weight decay', spiralsTask({ epochs: 4, optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 } }), mixed],
    [
      'Adam, OneCycleLR per step (cycles beta1) beside epoch schedules',
      spiralsTask({ epochs: 4, optimizer: { type: 'Adam', lr: 0.01 }, model: { type: 'mlp', hidden: [16, 8, 8] }, batchSize: 100 }),
      [...mixed.slice(0, 3), { schedule: { type: 'OneCycleLR', max_lr: 0.02, interval: 'step' }, seed: 1 }],
    ],
    ['AdamW, no hidden layer', spiralsTask({ epochs: 3, optimizer: { type: 'AdamW', lr: 0.01, weight_decay: 0.1 }, model: { type: 'mlp', hidden: [] } }), mixed],
  ];
  it.each(cases)('%s: every row within 1e-4, every trial completes', async (_name, task, trials) => {
    const packed = await runTrials('blas', task, trials);
    const alone = await solo(task, trials);
    packed.forEach((p, i) => {
      expect(p.rows).toHaveLength(task.epochs);
      expectAgreement(p.rows, alone[i]!.rows);
      expect(p.outcome).toEqual({ status: 'completed', final: p.rows.at(-1) });
    });
    // Different schedules in one pack really trained differently.
    expect(packed[2]!.rows.at(-1)!.val_loss).not.toEqual(packed[0]!.rows.at(-1)!.val_loss);
  });

  it('on mnist: a pack of two seeds x two schedules equals each trial alone', async () => {
    const task: TrainTask = { dataset: 'mnist', model: { type: 'mlp', hidden: [32] }, epochs: 1, batchSize: 64, optimizer: { type: 'SGD', lr: 0.05, momentum: 0.9 } };
    const trials: TrialInput[] = [1, 2].flatMap((seed) => [constant, { type: 'OneCycleLR', max_lr: 0.1, interval: 'step' } as ScheduleSpec].map((schedule) => ({ schedule, seed })));
    const packed = await runTrials('blas', task, trials);
    const alone = await solo(task, trials);
    packed.forEach((p, i) => expectAgreement(p.rows, alone[i]!.rows));
    expect(packed[1]!.rows[0]!.val_loss).not.toEqual(packed[0]!.rows[0]!.val_loss);
  });

  it('splits a seed whose trials exceed one net (over 2^20 parameters) into nets with its data order', async () => {
    // [1024, 1024] has ~1.05M parameters a trial: one trial per net.
    const task = spiralsTask({ epochs: 1, model: { type: 'mlp', hidden: [1024, 1024] }, optimizer: { type: 'SGD', lr: 0.01, momentum: 0.9 } });
    const trials: TrialInput[] = [constant, step, cosine].map((schedule) => ({ schedule, seed: 5 }));
    const packed = await runTrials('blas', task, trials);
    const alone = await solo(task, trials);
    packed.forEach((p, i) => expectAgreement(p.rows, alone[i]!.rows));
  });

  it('a trial diverging mid-pack leaves it; the others still equal their solo runs', async () => {
    const task = spiralsTask({ epochs: 5 });
    const trials: TrialInput[] = [
      { schedule: step, seed: 1 },
      { schedule: exploding, seed: 1 },
      { schedule: cosine, seed: 1 },
    ];
    const packed = await runTrials('blas', task, trials);
    const alone = await solo(task, trials);
    const diverged = packed[1]!.outcome;
    expect(diverged).toMatchObject({ status: 'diverged', reason: expect.stringMatching(/loss is (NaN|-?Infinity)/) });
    expect(diverged.status === 'diverged' && diverged.epoch).toBeGreaterThan(0); // mid-run, not at once
    expect(diverged).toEqual(alone[1]!.outcome);
    expect(withoutSeconds(packed[1]!.rows)).toEqual(withoutSeconds(alone[1]!.rows));
    for (const i of [0, 2]) {
      expect(packed[i]!.rows).toHaveLength(5);
      expectAgreement(packed[i]!.rows, alone[i]!.rows);
    }
  });

  it("one trial's shouldStop stops only it, at the epoch it was asked before", async () => {
    const task = spiralsTask({ epochs: 5 });
    const trials: TrialInput[] = [
      { schedule: step, seed: 4 },
      { schedule: constant, seed: 4 },
      { schedule: cosine, seed: 4 },
    ];
    let reported = 0;
    const packed = await runTrials('blas', task, trials, {
      shouldStop: (i) => i === 1 && reported >= 2,
      onEpoch: (i) => void (i === 1 && reported++),
    });
    expect(packed[1]!.outcome).toEqual({ status: 'stopped', epoch: 2 });
    expect(packed[1]!.rows.map((r) => r.epoch)).toEqual([0, 1]);
    const alone = await solo(task, trials);
    for (const i of [0, 2]) {
      expect(packed[i]!.outcome.status).toBe('completed');
      expectAgreement(packed[i]!.rows, alone[i]!.rows);
    }
    expectAgreement(packed[1]!.rows, alone[1]!.rows.slice(0, 2));
  });

  it("a packed trial's checkpoint resumes alone, reproducing the packed run", async () => {
    const task = spiralsTask({ epochs: 5, optimizer: { type: 'Adam', lr: 0.01 } });
    const trials: TrialInput[] = [
      { schedule: step, seed: 6 },
      { schedule: { type: 'OneCycleLR', max_lr: 0.02, interval: 'step' }, seed: 6 },
      { schedule: cosine, seed: 7 },
    ];
    const packed = await runTrials('blas', task, trials);
    const resumed = await run('blas', task, trials[1]!.schedule, 6, packed[1]!.checkpoints[1]);
    expect(resumed.rows.map((r) => r.epoch)).toEqual([2, 3, 4]);
    expectAgreement(resumed.rows, packed[1]!.rows.slice(2));
  });

  it('a pack may mix fresh and resumed trials of one seed: each continues as it would alone', async () => {
    const task = spiralsTask({ epochs: 5 });
    const full = await run('blas', task, step, 8);
    const trials: TrialInput[] = [
      { schedule: cosine, seed: 8 },
      { schedule: step, seed: 8, resume: full.checkpoints[1] },
      { schedule: constant, seed: 8 },
    ];
    const packed = await runTrials('blas', task, trials);
    expect(packed[1]!.rows.map((r) => r.epoch)).toEqual([2, 3, 4]);
    expectAgreement(packed[1]!.rows, full.rows.slice(2));
    const alone = await solo(task, [trials[0]!, trials[2]!]);
    expectAgreement(packed[0]!.rows, alone[0]!.rows);
    expectAgreement(packed[2]!.rows, alone[1]!.rows);
  });

  it('reports the trials that finished an epoch concurrently, so they can be written together', async () => {
    const trials: TrialInput[] = [1, 1, 2].map((seed) => ({ schedule: constant, seed }));
    let inFlight = 0;
    const concurrent: number[] = [];
    await runTrials('blas', spiralsTask({ epochs: 2 }), trials, {
      onEpoch: async () => {
        inFlight++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        concurrent.push(inFlight);
        inFlight--;
      },
    });
    expect(concurrent).toHaveLength(6);
    expect(Math.max(...concurrent)).toBe(3);
  });
});
