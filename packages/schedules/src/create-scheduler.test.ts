// The error contract: ScheduleError with a JSON pointer and PyTorch's reason, validateSchedule
// reporting several problems at once, and the interval rules.
import { describe, expect, it } from 'vitest';
import { createScheduler, naturalInterval, ScheduleError, SCHEDULER_TYPES, validateSchedule } from './index.ts';
import type { ScheduleSpec } from './types.ts';

const SGD = { type: 'SGD', lr: 0.1 };
const TWO = { type: 'SGD', param_groups: [{ lr: 0.1 }, { lr: 0.2 }], momentum: 0.9 };

function errorOf(spec: unknown, optimizer: Record<string, unknown> = SGD): ScheduleError {
  try {
    createScheduler(spec as ScheduleSpec, optimizer as { type: string });
  } catch (err) {
    expect(err).toBeInstanceOf(ScheduleError);
    return err as ScheduleError;
  }
  throw new Error('expected a ScheduleError');
}

describe('ScheduleError', () => {
  it.each([
    [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR', step_size: 1 }, { type: 'CosineAnnealingLR', T_max: 0 }], milestones: [2] }, '/schedulers/1/T_max', SGD],
    [{ type: 'OneCycleLR', max_lr: [0.1, 'x'], total_steps: 10 }, '/max_lr/1', TWO],
    [{ type: 'OneCycleLR', max_lr: [0.1, 0.2, 0.3], total_steps: 10 }, '/max_lr', TWO],
    [{ type: 'LambdaLR', lr_lambda: '1 / ' }, '/lr_lambda', SGD],
    [{ type: 'LambdaLR', lr_lambda: ['1', 'epoch.x'] }, '/lr_lambda/1', TWO],
    [{ type: 'LambdaLR', lr_lambda: '1 / epoch' }, '/lr_lambda', SGD],
    [{ type: 'StepLR', step_size: '5' }, '/step_size', SGD],
    [{ type: 'StepLR', step_size: 2.5 }, '/step_size', SGD],
    [{ type: 'StepLR', step_size: NaN }, '/step_size', SGD],
    [{ type: 'StepLR', step_size: Infinity }, '/step_size', SGD],
    [{ type: 'StepLR' }, '/step_size', SGD],
    [{ type: 'StepLR', step_size: 1, foo: 1 }, '/foo', SGD],
    [{ type: 'StepLR', step_size: 1, interval: 'batch' }, '/interval', SGD],
    [{ type: 'Nope' }, '/type', SGD],
    [{ type: 'ChainedScheduler', schedulers: [{ type: 'ReduceLROnPlateau' }] }, '/schedulers/0', SGD],
    [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR', step_size: 1 }], milestones: [3] }, '/milestones', SGD],
    [{ type: 'SequentialLR', schedulers: [{ type: 'StepLR', step_size: 1 }, { type: 'StepLR', step_size: 1 }, { type: 'StepLR', step_size: 1 }], milestones: [5, 3] }, '/milestones/1', SGD],
    [{ type: 'CyclicLR', base_lr: 0.1, max_lr: 1 }, '/cycle_momentum', { type: 'Adagrad', lr: 0.1 }],
    [{ type: 'ReduceLROnPlateau', min_lr: [0, 0, 0] }, '/min_lr', TWO],
  ])('%j -> %s', (spec, path, optimizer) => {
    const err = errorOf(spec, optimizer);
    expect(err.code).toBe('LRS_INVALID_SCHEDULE');
    expect(err.path).toBe(path);
    expect(err.message).toBe(`${path}: ${err.reason}`);
  });

  it.each([
    [{ type: 'CosineAnnealingWarmRestarts', T_0: 0 }, 'Expected positive integer T_0, but got 0'],
    [{ type: 'CosineAnnealingWarmRestarts', T_0: 2, T_mult: 0 }, 'Expected integer T_mult >= 1, but got 0'],
    [{ type: 'ConstantLR', factor: 1.5 }, 'Constant multiplicative factor expected to be between 0 and 1.'],
    [{ type: 'LinearLR', start_factor: 0 }, 'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.'],
    [{ type: 'LinearLR', end_factor: 2 }, 'Ending multiplicative factor expected to be between 0 and 1.'],
    [{ type: 'ReduceLROnPlateau', factor: 1 }, 'Factor should be < 1.0.'],
    [{ type: 'ReduceLROnPlateau', mode: 'mid' }, 'mode mid is unknown!'],
    [{ type: 'ReduceLROnPlateau', threshold_mode: 'x' }, 'threshold mode x is unknown!'],
    [{ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, mode: 'sawtooth' }, 'mode is invalid and scale_fn is None'],
    [{ type: 'OneCycleLR', max_lr: 1 }, 'You must define either total_steps OR (epochs AND steps_per_epoch)'],
    [{ type: 'OneCycleLR', max_lr: 1, total_steps: -3 }, 'Expected positive integer total_steps, but got -3'],
    [{ type: 'OneCycleLR', max_lr: 1, epochs: 0, steps_per_epoch: 3 }, 'Expected positive integer epochs, but got 0'],
    [{ type: 'OneCycleLR', max_lr: 1, total_steps: 5, pct_start: 1.5 }, 'Expected float between 0 and 1 pct_start, but got 1.5'],
    [{ type: 'OneCycleLR', max_lr: 1, total_steps: 5, anneal_strategy: 'exp' }, "anneal_strategy must be one of 'cos' or 'linear', instead got exp"],
    [{ type: 'LambdaLR', lr_lambda: ['1', '2', '3'] }, 'Expected 1 lr_lambdas, but got 3'],
    [{ type: 'ChainedScheduler', schedulers: [] }, 'ChainedScheduler expects at least one scheduler, but got no scheduler.'],
    [{ type: 'StepLR', step_size: 1, bogus: 2 }, "StepLR.__init__() got an unexpected keyword argument 'bogus'"],
  ])("%j gives PyTorch's reason", (spec, reason) => {
    expect(errorOf(spec).reason).toBe(reason);
  });

  it('lists the known types for an unknown one', () => {
    const reason = errorOf({ type: 'WarmupLR' }).reason;
    for (const t of SCHEDULER_TYPES) expect(reason).toContain(t);
  });

  it('refuses non-object specs', () => {
    for (const spec of [null, 3, 'StepLR', [], undefined]) expect(errorOf(spec).path).toBe('');
  });

  it('reports optimizer problems with an optimizer: prefix', () => {
    expect(errorOf({ type: 'StepLR', step_size: 1 }, { type: 'SGD', param_groups: [{ lr: -1 }] }).path).toBe('optimizer:/param_groups/0/lr');
    expect(errorOf({ type: 'StepLR', step_size: 1 }, { type: 'Lion' }).path).toBe('optimizer:/type');
  });
});

describe('validateSchedule', () => {
  it('returns [] for a valid spec, with or without an optimizer', () => {
    expect(validateSchedule({ type: 'StepLR', step_size: 3 })).toEqual([]);
    expect(validateSchedule({ type: 'OneCycleLR', max_lr: [1, 2], total_steps: 9 }, TWO)).toEqual([]);
  });

  it('reports every bad field at once, never throwing', () => {
    const issues = validateSchedule({
      type: 'SequentialLR',
      schedulers: [{ type: 'StepLR', step_size: 0, gamma: 'x' }, { type: 'CosineAnnealingLR', T_max: -1, extra: true }],
      milestones: [2],
    });
    expect(issues.map((i) => i.path)).toEqual(['/schedulers/0/step_size', '/schedulers/0/gamma', '/schedulers/1/T_max', '/schedulers/1/extra']);
    expect(issues[0]!.message).toMatch(/^step_size must be a positive integer/);
  });

  it('catches failures of the initial step (an lr_lambda dividing by zero at epoch 0)', () => {
    expect(validateSchedule({ type: 'LambdaLR', lr_lambda: '1 / epoch' }, SGD).map((i) => i.path)).toEqual(['/lr_lambda']);
  });

  it('survives garbage', () => {
    for (const spec of [undefined, null, 1, 'x', [], {}, { type: 1 }, { type: 'StepLR', step_size: { a: 1 } }]) {
      expect(validateSchedule(spec).length).toBeGreaterThan(0);
    }
  });
});

describe('intervals', () => {
  it('OneCycleLR and CyclicLR are per step, the rest per epoch', () => {
    expect(naturalInterval({ type: 'OneCycleLR', max_lr: 1, total_steps: 3 })).toBe('step');
    expect(naturalInterval({ type: 'CyclicLR', base_lr: 0.1, max_lr: 1 })).toBe('step');
    expect(naturalInterval({ type: 'StepLR', step_size: 1 })).toBe('epoch');
  });

  it('a composite is per step when any child is', () => {
    const spec = { type: 'ChainedScheduler', schedulers: [{ type: 'StepLR', step_size: 1 }, { type: 'CyclicLR', base_lr: 0.1, max_lr: 1 }] };
    expect(naturalInterval(spec)).toBe('step');
    expect(naturalInterval({ type: 'ChainedScheduler', schedulers: [{ type: 'StepLR', step_size: 1, interval: 'step' }] })).toBe('step');
  });

  it('`interval` overrides, and is not a PyTorch parameter', () => {
    const s = createScheduler({ type: 'StepLR', step_size: 1, interval: 'step' }, SGD);
    expect(s.interval).toBe('step');
    expect(naturalInterval({ type: 'StepLR', step_size: 1, interval: 'step' })).toBe('epoch');
  });
});

describe('momentums', () => {
  it('is null for SGD without momentum, an array for SGD with momentum and for Adam', () => {
    expect(createScheduler({ type: 'StepLR', step_size: 1 }, SGD).momentums).toBeNull();
    expect(createScheduler({ type: 'StepLR', step_size: 1 }, { type: 'SGD', lr: 0.1, momentum: 0.5 }).momentums).toEqual([0.5]);
    expect(createScheduler({ type: 'StepLR', step_size: 1 }, { type: 'Adam', betas: [0.8, 0.9] }).momentums).toEqual([0.8]);
  });

  it('SGD without a momentum key still cycles momentum, as PyTorch (momentum is in SGD defaults)', () => {
    const s = createScheduler({ type: 'CyclicLR', base_lr: 0.1, max_lr: 1, step_size_up: 2 }, SGD);
    expect(s.momentums).toEqual([0.9]);
    s.step();
    expect(s.momentums![0]).toBeCloseTo(0.85, 15);
  });
});
