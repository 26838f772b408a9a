// A schedule compressed from E to b epochs must give, at each fraction of training, the rate
// the full run gives there: exactly where PyTorch's integers divide (E=12 -> b=4), and within
// one compressed epoch's worth of the full trajectory where they round (E=10 -> b=3).
import { describe, expect, it } from 'vitest';
import { ScheduleError } from '../errors.ts';
import { trajectory } from '../trajectory.ts';
import type { OptimizerSpec, ScheduleSpec } from '../types.ts';
import { rescaleSchedule } from './rescale-schedule.ts';

const SGD: OptimizerSpec = { type: 'SGD', lr: 0.1, momentum: 0.9 };
/** Steps per epoch for the schedules stepped per optimizer step. */
const SPE = 5;

function lrs(spec: ScheduleSpec, epochs: number, metrics?: (i: number) => number): number[] {
  const perStep = spec.type === 'OneCycleLR' || spec.type === 'CyclicLR';
  const steps = epochs * (perStep ? SPE : 1);
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
