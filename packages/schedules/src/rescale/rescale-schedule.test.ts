// A schedule compressed from E to b epochs must give, at each fraction of training, the rate
// the full run gives there: exactly where PyTorch's integers divide (E=12 -> b=4), and within
// one compressed epoch's worth of the full trajectory where they round (E=10 -> b=3). With the
// run's steps per epoch, a per-epoch schedule moves onto the rung's steps and agrees tighter:
// at every epoch boundary of the full run, within two of the rung's steps.
import { describe, expect, it } from 'vitest';
import { canonicalSchedule } from '../canonical/canonical-schedule.ts';
import { ScheduleError } from '../errors.ts';
import { trajectory } from '../trajectory.ts';
import type { OptimizerSpec, ScheduleSpec } from '../types.ts';
import { rescaleSchedule } from './rescale-schedule.ts';

const SGD: OptimizerSpec = { type: 'SGD', lr: 0.1, momentum: 0.9 };
/** Steps per epoch for the schedules stepped per optimizer step. */
const SPE = 5;

function lrs(spec: ScheduleSpec, epochs: number, metrics?: (i: number) => number, stepsPerEpoch = SPE): number[] {
  const perStep = canonicalSchedule(spec).interval === 'step';
  const steps = epochs * (perStep ? stepsPerEpoch : 1);
  const c = { optimizer: SGD, scheduler: spec, steps, ...(metrics ? { metrics: Array.from({ length: steps }, (_, i) => metrics(i)) } : {}) };
  return trajectory(c).lr.map((row) => row[0]!);
}

/** Rows of the compressed run and the full run's row at the same fraction of training. */
function pairs(spec: ScheduleSpec, full: number, budget: number) {
  const whole = lrs(spec, full);
  const short = lrs(rescaleSchedule(spec, budget, full), budget);
  return { whole, short, ratio: full / budget };
}

// Every scheduler, with parameters that E/b = 3 divides.
const EXACT: Array<[string, ScheduleSpec]> = [
  ['StepLR', { type: 'StepLR', step_size: 3, gamma: 0.5 }],
  ['MultiStepLR', { type: 'MultiStepLR', milestones: [6, 9], gamma: 0.1 }],
  ['ConstantLR', { type: 'ConstantLR', factor: 0.25, total_iters: 6 }],
  ['LinearLR', { type: 'LinearLR', start_factor: 0.1, end_factor: 1.0, total_iters: 6 }],
  ['ExponentialLR', { type: 'ExponentialLR', gamma: 0.8 }],
  ['PolynomialLR', { type: 'PolynomialLR', total_iters: 9, power: 2.0 }],
  ['CosineAnnealingLR', { type: 'CosineAnnealingLR', T_max: 12, eta_min: 0.001 }],
  ['CosineAnnealingWarmRestarts', { type: 'CosineAnnealingWarmRestarts', T_0: 3, T_mult: 2 }],
  ['CyclicLR triangular2', { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 9, step_size_down: 6, mode: 'triangular2' }],
  ['CyclicLR exp_range', { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 6, mode: 'exp_range', gamma: 0.99 }],
  ['CyclicLR scale_fn in iterations', { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 6, scale_fn: '1 / (1 + x / 30)', scale_mode: 'iterations' }],
  ['LambdaLR', { type: 'LambdaLR', lr_lambda: '0.9 ** epoch if epoch < 6 else 0.5 * math.cos(epoch / 12)' }],
  ['MultiplicativeLR constant', { type: 'MultiplicativeLR', lr_lambda: '0.9' }],
  ['MultiplicativeLR in epoch', { type: 'MultiplicativeLR', lr_lambda: '1 - 0.01 * epoch' }],
  ['SequentialLR', { type: 'SequentialLR', schedulers: [{ type: 'LinearLR', start_factor: 0.1, total_iters: 3 }, { type: 'CosineAnnealingLR', T_max: 9 }], milestones: [3] }],
  ['ChainedScheduler', { type: 'ChainedScheduler', schedulers: [{ type: 'StepLR', step_size: 6, gamma: 0.5 }, { type: 'ExponentialLR', gamma: 0.95 }] }],
];

describe('rescaleSchedule, E=12 -> b=4: the same rate at the same fraction of training', () => {
  it.each(EXACT)('%s', (_name, spec) => {
    const { whole, short, ratio } = pairs(spec, 12, 4);
    expect(short.length).toBe((whole.length - 1) / ratio + 1);
    short.forEach((lr, k) => expect(lr, `compressed row ${k} vs full row ${k * ratio}`).toBeCloseTo(whole[k * ratio]!, 12));
  });

  it('OneCycleLR agrees to its phase ends, which PyTorch puts at pct_start * total_steps - 1', () => {
    const spec: ScheduleSpec = { type: 'OneCycleLR', max_lr: 0.4, total_steps: 60 };
    expect(rescaleSchedule(spec, 4, 12)).toMatchObject({ total_steps: 20 });
    const { whole, short, ratio } = pairs(spec, 12, 4);
    // Both end their anneal at min_lr on their last step (total_steps - 1).
    expect(short[19]).toBeCloseTo(whole[59]!, 15);
    short.forEach((lr, k) => expect(lr).toBeCloseTo(whole[k * ratio]!, 1));
  });
});

describe('rescaleSchedule, E=10 -> b=3: within one compressed epoch of the full trajectory', () => {
  // A MultiplicativeLR factor in epoch is refused for b=3 of E=10 (below).
  const ALL: Array<[string, ScheduleSpec]> = [...EXACT.filter(([name]) => name !== 'MultiplicativeLR in epoch'), ['OneCycleLR', { type: 'OneCycleLR', max_lr: 0.4, epochs: 10, steps_per_epoch: SPE }]];

  it.each(ALL)('%s', (_name, spec) => {
    const { whole, short, ratio } = pairs(spec, 10, 3);
    const w = Math.ceil(ratio) + 1;
    short.forEach((lr, k) => {
      const at = k * ratio;
      const window = whole.slice(Math.max(0, Math.floor(at) - w), Math.ceil(at) + w + 1);
      expect(lr, `compressed row ${k} against full rows near ${at.toFixed(2)}`).toBeGreaterThanOrEqual(Math.min(...window) - 1e-12);
      expect(lr).toBeLessThanOrEqual(Math.max(...window) + 1e-12);
    });
  });
});

describe('rescaleSchedule with stepsPerEpoch: per-epoch schedules move onto the rung\'s steps', () => {
  /** The full run (stepped as written) and the rung's run (b epochs of `spe` steps), and how many rung steps one full epoch is. */
  function onSteps(spec: ScheduleSpec, full: number, budget: number, spe: number) {
    const rescaled = rescaleSchedule(spec, budget, full, { stepsPerEpoch: spe });
    return { rescaled, whole: lrs(spec, full), short: lrs(rescaled, budget, undefined, spe), k: (budget * spe) / full };
  }
  // Every scheduler stepped per epoch in the full run (EXACT less the per-step CyclicLRs and the
  // MultiplicativeLR factor in epoch, which stays per epoch), and CyclicLR written per epoch.
  const PER_EPOCH: Array<[string, ScheduleSpec]> = [
    ...EXACT.filter(([name]) => !name.startsWith('CyclicLR') && name !== 'MultiplicativeLR in epoch'),
    ['CyclicLR per epoch', { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 3, interval: 'epoch' }],
  ];
  const STAIRS = new Set(['StepLR', 'MultiStepLR', 'ConstantLR']);

  it.each(PER_EPOCH)('%s, E=12 -> b=4 at 6 steps an epoch: the full run\'s rate at every one of its epochs, and its stairs at every step', (name, spec) => {
    const { rescaled, whole, short, k } = onSteps(spec, 12, 4, 6);
    expect(rescaled.interval).toBe('step');
    expect(short.length).toBe(4 * 6 + 1);
    // Full epoch j begins at rung step j * k (k = 2).
    whole.forEach((lr, j) => expect(short[j * k], `rung step ${j * k} vs full epoch ${j}`).toBeCloseTo(lr, 10));
    // A stepped schedule holds the full run's rate through each of its epochs.
    if (STAIRS.has(name)) short.forEach((lr, step) => expect(lr, `rung step ${step}`).toBe(whole[Math.floor(step / k)]));
  });

  it.each(PER_EPOCH.filter(([name]) => name !== 'MultiplicativeLR constant'))('%s, E=10 -> b=3 at 25 steps an epoch: within two rung steps of every full epoch', (_name, spec) => {
    // k = 7.5 rung steps a full epoch: the counts round (by half a step each), and every epoch
    // the full run trains at is found among the rung's rates within two steps of where it
    // falls (the tolerance without steps per epoch is one compressed epoch and more).
    const { whole, short, k } = onSteps(spec, 10, 3, 25);
    // The last row is the rate after the last step, which no batch trains at.
    whole.slice(0, -1).forEach((lr, j) => {
      const window = short.slice(Math.max(0, Math.floor(j * k) - 2), Math.ceil(j * k) + 3);
      expect(lr, `full epoch ${j} against rung steps near ${j * k}`).toBeGreaterThanOrEqual(Math.min(...window) - 1e-12);
      expect(lr).toBeLessThanOrEqual(Math.max(...window) + 1e-12);
    });
  });

  it('writes the counts in steps: StepLR(step_size=3) of 10 epochs in a 1-epoch rung of 125 steps', () => {
    expect(rescaleSchedule({ type: 'StepLR', step_size: 3 }, 1, 10, { stepsPerEpoch: 125 })).toEqual({ type: 'StepLR', step_size: 38, gamma: 0.1, interval: 'step' });
    const exp = rescaleSchedule({ type: 'ExponentialLR', gamma: 0.8 }, 1, 10, { stepsPerEpoch: 125 });
    expect(exp.gamma as number).toBeCloseTo(0.8 ** (10 / 125), 14);
    expect(rescaleSchedule({ type: 'LambdaLR', lr_lambda: '0.5 ** epoch' }, 4, 12, { stepsPerEpoch: 6 }).lr_lambda).toBe('0.5 ** (epoch * 12 / 24)');
  });

  it('leaves schedules already stepped per step on their scale, b/E', () => {
    const spec: ScheduleSpec = { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1, step_size_up: 60 };
    expect(rescaleSchedule(spec, 4, 12, { stepsPerEpoch: 6 })).toEqual(rescaleSchedule(spec, 4, 12));
  });

  it('keeps ReduceLROnPlateau, OneCycleLR and a MultiplicativeLR factor in epoch per epoch', () => {
    expect(rescaleSchedule({ type: 'ReduceLROnPlateau', patience: 3 }, 4, 12, { stepsPerEpoch: 6 })).toMatchObject({ patience: 1, interval: 'epoch' });
    expect(rescaleSchedule({ type: 'OneCycleLR', max_lr: 0.4, total_steps: 12, interval: 'epoch' }, 4, 12, { stepsPerEpoch: 6 })).toMatchObject({ total_steps: 4, interval: 'epoch' });
    expect(rescaleSchedule({ type: 'MultiplicativeLR', lr_lambda: '1 - 0.01 * epoch' }, 4, 12, { stepsPerEpoch: 6 })).toMatchObject({ interval: 'epoch' });
  });

  it('is the identity at the full length, and refuses a bad stepsPerEpoch', () => {
    const spec: ScheduleSpec = { type: 'StepLR', step_size: 3 };
    expect(rescaleSchedule(spec, 12, 12, { stepsPerEpoch: 6 })).toBe(spec);
    expect(() => rescaleSchedule(spec, 4, 12, { stepsPerEpoch: 0 })).toThrow(/stepsPerEpoch/);
  });
});

describe('rescaleSchedule: the parameters', () => {
  it('is the identity when the budget is the whole run', () => {
    const spec: ScheduleSpec = { type: 'StepLR', step_size: 3 };
    expect(rescaleSchedule(spec, 12, 12)).toBe(spec);
  });

  it('rounds counts, keeps them >= 1 and leaves a 0 alone', () => {
    expect(rescaleSchedule({ type: 'StepLR', step_size: 1 }, 2, 10)).toMatchObject({ step_size: 1 });
    expect(rescaleSchedule({ type: 'StepLR', step_size: 5 }, 3, 10)).toMatchObject({ step_size: 2 });
    expect(rescaleSchedule({ type: 'ReduceLROnPlateau', patience: 6, cooldown: 0 }, 4, 12)).toMatchObject({ patience: 2, cooldown: 0 });
    expect(rescaleSchedule({ type: 'ReduceLROnPlateau', patience: 3, cooldown: 3 }, 4, 12)).toMatchObject({ patience: 1, cooldown: 1 });
  });

  it("compresses PyTorch's defaults too", () => {
    // ConstantLR's total_iters=5 and ReduceLROnPlateau's patience=10 are counted in epochs.
    expect(rescaleSchedule({ type: 'ConstantLR' }, 2, 10)).toMatchObject({ total_iters: 1 });
    expect(rescaleSchedule({ type: 'ReduceLROnPlateau' }, 5, 10)).toMatchObject({ patience: 5 });
    expect(rescaleSchedule({ type: 'CyclicLR', base_lr: 0.01, max_lr: 0.1 }, 5, 10)).toMatchObject({ step_size_up: 1000, step_size_down: null });
  });

  it('ExponentialLR keeps the rate at the end', () => {
    const r = rescaleSchedule({ type: 'ExponentialLR', gamma: 0.9 }, 3, 10);
    expect(r.gamma as number).toBeCloseTo(0.9 ** (10 / 3), 14);
    expect(lrs(r, 3).at(-1)).toBeCloseTo(lrs({ type: 'ExponentialLR', gamma: 0.9 }, 10).at(-1)!, 14);
  });

  it('ReduceLROnPlateau on a flat metric reduces after a compressed patience', () => {
    const spec: ScheduleSpec = { type: 'ReduceLROnPlateau', patience: 3, factor: 0.5 };
    const short = lrs(rescaleSchedule(spec, 4, 12), 4, () => 1);
    // patience 1: the first step sets the best, two more without improvement reduce.
    expect(short).toEqual([0.1, 0.1, 0.1, 0.05, 0.05]);
  });

  it('rescales per-group lambdas each', () => {
    const r = rescaleSchedule({ type: 'LambdaLR', lr_lambda: ['0.5 ** epoch', 'math.e ** -epoch'] }, 4, 12);
    expect(r.lr_lambda).toEqual(['0.5 ** (epoch * 12 / 4)', 'math.e ** -(epoch * 12 / 4)']);
  });
});

describe('rescaleSchedule: what cannot be compressed faithfully is refused with the reason', () => {
  const refusal = (f: () => unknown): ScheduleError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ScheduleError) return e;
      throw e;
    }
    throw new Error('not refused');
  };

  it('SequentialLR milestones that round onto one epoch', () => {
    const e = refusal(() => rescaleSchedule({ type: 'SequentialLR', schedulers: [{ type: 'ConstantLR' }, { type: 'ExponentialLR', gamma: 0.9 }, { type: 'StepLR', step_size: 2 }], milestones: [1, 2] }, 4, 12));
    expect(e.path).toBe('/milestones/1');
    expect(e.reason).toMatch(/collide/);
  });

  it('a MultiplicativeLR factor in epoch when b does not divide E', () => {
    const e = refusal(() => rescaleSchedule({ type: 'MultiplicativeLR', lr_lambda: '1 - 0.01 * epoch' }, 3, 10));
    expect(e.path).toBe('/lr_lambda');
    expect(e.reason).toMatch(/3 divides 10/);
  });

  it('a compressed OneCycleLR that PyTorch would refuse', () => {
    const e = refusal(() => rescaleSchedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 30, pct_start: 0.1 }, 4, 12));
    expect(e.path).toBe('/pct_start');
    expect(e.reason).toMatch(/rescaled from 12 to 4 epochs: .*pct_start \* total_steps must not be 1/);
  });

  it('an invalid schedule, before compressing it', () => {
    expect(refusal(() => rescaleSchedule({ type: 'StepLR', step_size: 0 }, 4, 12)).path).toBe('/step_size');
  });
});
