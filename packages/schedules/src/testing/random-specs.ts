// Test support: a seeded PRNG (mulberry32) and generators of random valid schedule specs of
// every type, including nested composites, plus mutations that must make a spec invalid.
import type { ScheduleSpec } from '../types.ts';

export type Rng = () => number;

export { mulberry32 } from '@lrsweep/stats';

export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
export const real = (rng: Rng, lo: number, hi: number): number => lo + rng() * (hi - lo);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

const LAMBDAS = ['0.1 ** (epoch // 10)', 'min(1.0, (epoch + 1) / 5)', '0.5 * (1 + math.cos(math.pi * epoch / 10))', '0.9 if epoch < 4 else 0.99', '1 / (1 + 0.1 * epoch)', '0.95 ** epoch'];
const MULT = ['0.95', '0.9 if epoch < 4 else 0.99', '1 - 0.05 * (epoch % 3)', 'max(0.5, 1 - epoch / 100)'];

type Gen = (rng: Rng, groups: number) => ScheduleSpec;

const perGroup = (rng: Rng, groups: number, lo: number, hi: number): number | number[] =>
  rng() < 0.5 ? real(rng, lo, hi) : Array.from({ length: groups }, () => real(rng, lo, hi));

export const LEAF_GENERATORS: Record<string, Gen> = {
  LambdaLR: (rng, g) => ({ type: 'LambdaLR', lr_lambda: rng() < 0.5 ? pick(rng, LAMBDAS) : Array.from({ length: g }, () => pick(rng, LAMBDAS)) }),
  MultiplicativeLR: (rng) => ({ type: 'MultiplicativeLR', lr_lambda: pick(rng, MULT) }),
  StepLR: (rng) => ({ type: 'StepLR', step_size: int(rng, 1, 20), gamma: real(rng, 0.05, 1) }),
  MultiStepLR: (rng) => ({ type: 'MultiStepLR', milestones: Array.from({ length: int(rng, 0, 4) }, () => int(rng, 0, 60)), gamma: real(rng, 0.05, 1) }),
  ConstantLR: (rng) => ({ type: 'ConstantLR', factor: real(rng, 0.01, 1), total_iters: int(rng, 0, 30) }),
  LinearLR: (rng) => ({ type: 'LinearLR', start_factor: real(rng, 0.01, 1), end_factor: real(rng, 0, 1), total_iters: int(rng, 1, 30) }),
  ExponentialLR: (rng) => ({ type: 'ExponentialLR', gamma: real(rng, 0.8, 1) }),
  PolynomialLR: (rng) => ({ type: 'PolynomialLR', total_iters: int(rng, 1, 120), power: real(rng, 0, 3) }),
  CosineAnnealingLR: (rng) => ({ type: 'CosineAnnealingLR', T_max: int(rng, 1, 50), eta_min: real(rng, 0, 0.001) }),
  CyclicLR: (rng, g) => ({
    type: 'CyclicLR',
    base_lr: perGroup(rng, g, 0.001, 0.01),
    max_lr: perGroup(rng, g, 0.01, 1),
    step_size_up: int(rng, 1, 20),
    step_size_down: rng() < 0.5 ? null : int(rng, 0, 20),
    mode: pick(rng, ['triangular', 'triangular2', 'exp_range']),
    gamma: real(rng, 0.9, 1),
    base_momentum: real(rng, 0.7, 0.85),
    max_momentum: real(rng, 0.85, 0.99),
  }),
  CosineAnnealingWarmRestarts: (rng) => ({ type: 'CosineAnnealingWarmRestarts', T_0: int(rng, 1, 20), T_mult: int(rng, 1, 3), eta_min: real(rng, 0, 0.001) }),
  OneCycleLR: (rng, g) => {
    const total = int(rng, 2, 200);
    // 100+ scheduler steps must stay within total_steps, so pad the cycle when it is short.
    const spec: ScheduleSpec = { type: 'OneCycleLR', max_lr: perGroup(rng, g, 0.01, 1), total_steps: Math.max(total, 130), pct_start: real(rng, 0.05, 0.95) };
    if (rng() < 0.5) spec.three_phase = true;
    if (rng() < 0.5) spec.anneal_strategy = 'linear';
    if (rng() < 0.3) spec.div_factor = real(rng, 2, 50);
    return spec;
  },
};

const PLATEAU: Gen = (rng, g) => ({
  type: 'ReduceLROnPlateau',
  mode: pick(rng, ['min', 'max']),
  factor: real(rng, 0, 0.99),
  patience: int(rng, 0, 5),
  threshold: real(rng, 0, 0.1),
  threshold_mode: pick(rng, ['rel', 'abs']),
  cooldown: int(rng, 0, 3),
  min_lr: perGroup(rng, g, 0, 0.001),
});

export const ALL_TYPES = [...Object.keys(LEAF_GENERATORS), 'ReduceLROnPlateau', 'SequentialLR', 'ChainedScheduler'];

function leaf(rng: Rng, groups: number): ScheduleSpec {
  const spec = LEAF_GENERATORS[pick(rng, Object.keys(LEAF_GENERATORS))]!(rng, groups);
  // Inside a composite another scheduler may push lr below this eta_min; PyTorch's recursive
  // cosine step, (ratio > 1) * (lr - eta_min) + eta_min, then goes negative, in PyTorch too.
  if (spec.type === 'CosineAnnealingLR') spec.eta_min = 0;
  return spec;
}

/** A random valid spec of `type`; composites nest up to `depth` levels. */
export function validSpec(rng: Rng, type: string, groups: number, depth = 2): ScheduleSpec {
  if (type === 'ReduceLROnPlateau') return PLATEAU(rng, groups);
  if (type === 'ChainedScheduler' || type === 'SequentialLR') {
    const n = int(rng, 1, 3);
    const child = (i: number): ScheduleSpec => {
      // Only SequentialLR's first child may be a composite (see sequential-lr.scheduler.ts).
      const nest = depth > 0 && rng() < 0.3 && (type === 'ChainedScheduler' || i === 0);
      return nest ? validSpec(rng, pick(rng, ['ChainedScheduler', 'SequentialLR']), groups, depth - 1) : leaf(rng, groups);
    };
    const schedulers = Array.from({ length: n }, (_, i) => child(i));
    if (type === 'ChainedScheduler') return { type, schedulers };
    let at = 0;
    const milestones = Array.from({ length: n - 1 }, () => (at += int(rng, 1, 40)));
    return { type, schedulers, milestones };
  }
  return LEAF_GENERATORS[type]!(rng, groups);
}

/** Values that no parameter accepts (a nested list is not a number even where lists are allowed). */
const POISON: readonly unknown[] = ['5', NaN, Infinity, -Infinity, true, [[1]], { a: 1 }];
const POISON_ANY: readonly unknown[] = [NaN, Infinity, -Infinity, [[1]], { a: 1 }];

/** Parameters for which a negative (and, where listed, zero) value must be refused. */
const OUT_OF_RANGE: Record<string, Array<[string, number]>> = {
  StepLR: [['step_size', 0], ['step_size', -1], ['gamma', -0.5]],
  MultiStepLR: [['gamma', -1]],
  ConstantLR: [['factor', -0.1], ['factor', 1.5], ['total_iters', -1]],
  LinearLR: [['start_factor', 0], ['start_factor', -1], ['end_factor', -1], ['total_iters', 0], ['total_iters', -2]],
  ExponentialLR: [['gamma', -0.9]],
  PolynomialLR: [['total_iters', 0], ['total_iters', -1], ['power', -1]],
  CosineAnnealingLR: [['T_max', 0], ['T_max', -3], ['eta_min', -0.1]],
  CyclicLR: [['step_size_up', 0], ['step_size_up', -4], ['base_lr', -0.1], ['max_lr', -1], ['gamma', -1], ['max_momentum', -0.5]],
  CosineAnnealingWarmRestarts: [['T_0', 0], ['T_0', -1], ['T_mult', 0], ['T_mult', -2], ['eta_min', -1]],
  OneCycleLR: [['total_steps', 0], ['total_steps', -5], ['max_lr', -1], ['pct_start', -0.1], ['div_factor', 0], ['final_div_factor', -1]],
  ReduceLROnPlateau: [['factor', -0.5], ['factor', 1], ['patience', -1], ['cooldown', -1], ['min_lr', -1], ['threshold', -1]],
  LambdaLR: [['lr_lambda', 0]],
  MultiplicativeLR: [['lr_lambda', 0]],
};

/** Breaks one field of a valid spec so that it must be rejected; returns a description. */
export function mutate(rng: Rng, spec: ScheduleSpec, groups: number): string {
  if (spec.type === 'SequentialLR' || spec.type === 'ChainedScheduler') {
    if (rng() < 0.7) {
      const children = spec.schedulers as ScheduleSpec[];
      const i = int(rng, 0, children.length - 1);
      return `child ${i}: ${mutate(rng, children[i]!, groups)}`;
    }
    if (spec.type === 'SequentialLR' && rng() < 0.5) {
      spec.milestones = [...(spec.milestones as number[]), 1000];
      return 'milestones of the wrong length';
    }
    if (rng() < 0.5) {
      spec.schedulers = [];
      return 'no schedulers';
    }
  }
  const choice = int(rng, 0, 5);
  if (choice === 0) {
    spec[`unknown_${int(rng, 0, 99)}`] = 1;
    return 'unknown parameter';
  }
  if (choice === 1) {
    spec.type = pick(rng, ['StepLr', 'Warmup', '', 'stepLR', 42 as unknown as string]);
    return 'unknown type';
  }
  if (choice === 2) {
    spec.interval = pick(rng, ['batch', 'EPOCH', 1]) as 'epoch';
    return 'bad interval';
  }
  const ranges = OUT_OF_RANGE[spec.type];
  if (choice === 3 && ranges) {
    const [key, value] = pick(rng, ranges);
    spec[key] = Array.isArray(spec[key]) && key !== 'lr_lambda' ? (spec[key] as unknown[]).map(() => value) : value;
    return `${key}=${value}`;
  }
  const lists = Object.entries(spec).filter(([k, v]) => Array.isArray(v) && k !== 'milestones' && k !== 'schedulers');
  if (choice === 4 && lists.length > 0) {
    const [key, value] = pick(rng, lists);
    spec[key] = [...(value as unknown[]), ...(value as unknown[]), 1];
    return `${key} of the wrong length`;
  }
  const keys = Object.keys(spec).filter((k) => k !== 'type' && k !== 'schedulers');
  if (keys.length === 0) {
    spec.type = 'Nope';
    return 'unknown type';
  }
  const key = pick(rng, keys);
  const numeric = typeof spec[key] === 'number' || Array.isArray(spec[key]);
  spec[key] = pick(rng, numeric && key !== 'lr_lambda' && key !== 'milestones' ? POISON : POISON_ANY);
  return `poisoned ${key}`;
}
