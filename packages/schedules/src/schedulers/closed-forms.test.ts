// Held-out style checks: trajectories against hand-derived closed forms and documented PyTorch
// behaviour, for parameters the reference file does not cover.
import { describe, expect, it } from 'vitest';
import { createScheduler, trajectory, ScheduleStepError } from '../index.ts';
import type { ScheduleSpec } from '../types.ts';

const SGD = { type: 'SGD', lr: 0.1 };
const lrs = (scheduler: ScheduleSpec, steps: number, optimizer: Record<string, unknown> = SGD): number[] =>
  trajectory({ optimizer: optimizer as { type: string }, scheduler, steps }).lr.map((r) => r[0]!);
const closeTo = (got: number[], want: (k: number) => number, rel: number): void => {
  got.forEach((v, k) => expect(Math.abs(v - want(k)), `step ${k}: ${v} vs ${want(k)}`).toBeLessThanOrEqual(rel * Math.abs(want(k)) + 1e-15));
};

describe('closed forms', () => {
  it('StepLR: base * gamma ** floor(k / step_size)', () => {
    closeTo(lrs({ type: 'StepLR', step_size: 7, gamma: 0.3 }, 60), (k) => 0.1 * 0.3 ** Math.floor(k / 7), 1e-12);
  });

  it('StepLR repeats PyTorch multiplication: 0.1 * 0.9 -> 0.09000000000000001', () => {
    expect(lrs({ type: 'StepLR', step_size: 1, gamma: 0.9 }, 1)[1]).toBe(0.09000000000000001);
  });

  it('MultiStepLR: base * gamma ** (milestones passed)', () => {
    const ms = [3, 8, 8, 20];
    closeTo(lrs({ type: 'MultiStepLR', milestones: ms, gamma: 0.5 }, 30), (k) => 0.1 * 0.5 ** ms.filter((m) => m <= k).length, 1e-12);
  });

  it('ExponentialLR: base * gamma ** k', () => {
    closeTo(lrs({ type: 'ExponentialLR', gamma: 0.97 }, 100), (k) => 0.1 * 0.97 ** k, 1e-12);
  });

  it('LinearLR: base * (start + (end - start) * min(k, T) / T)', () => {
    closeTo(lrs({ type: 'LinearLR', start_factor: 0.2, end_factor: 0.9, total_iters: 13 }, 30), (k) => 0.1 * (0.2 + (0.7 * Math.min(k, 13)) / 13), 1e-12);
  });

  it('ConstantLR: base * factor before total_iters, base after', () => {
    closeTo(lrs({ type: 'ConstantLR', factor: 0.25, total_iters: 6 }, 12), (k) => (k < 6 ? 0.025 : 0.1), 1e-12);
  });

  it('PolynomialLR: base * (1 - min(k, T) / T) ** power', () => {
    closeTo(lrs({ type: 'PolynomialLR', total_iters: 17, power: 0.7 }, 25), (k) => 0.1 * (1 - Math.min(k, 17) / 17) ** 0.7, 1e-12);
  });

  it('CosineAnnealingLR (recursive) stays within 1e-9 of the closed form, across several half-periods', () => {
    const T = 12;
    const eta = 0.002;
    closeTo(lrs({ type: 'CosineAnnealingLR', T_max: T, eta_min: eta }, 5 * T), (k) => eta + ((0.1 - eta) * (1 + Math.cos((Math.PI * k) / T))) / 2, 1e-9);
  });

  it('CosineAnnealingWarmRestarts: back to base_lr at each restart, closed form in between', () => {
    const got = lrs({ type: 'CosineAnnealingWarmRestarts', T_0: 4, T_mult: 2, eta_min: 0.01 }, 60);
    // restarts at 4, 4+8=12, 12+16=28, 28+32=60
    let start = 0;
    let Ti = 4;
    got.forEach((v, k) => {
      if (k - start >= Ti) {
        start += Ti;
        Ti *= 2;
      }
      const want = 0.01 + ((0.1 - 0.01) * (1 + Math.cos((Math.PI * (k - start)) / Ti))) / 2;
      expect(v).toBeCloseTo(want, 14);
    });
    expect([0, 4, 12, 28, 60].map((k) => got[k])).toEqual([0.1, 0.1, 0.1, 0.1, 0.1]);
  });

  it('CyclicLR triangular: base + (max - base) * max(0, 1 - |k / s - 2 * cycle + 1|)', () => {
    const s = 6;
    const got = trajectory({ optimizer: { type: 'SGD', lr: 1, momentum: 0.9 }, scheduler: { type: 'CyclicLR', base_lr: 0.01, max_lr: 0.2, step_size_up: s }, steps: 50 });
    const tri = (k: number): number => {
      const cycle = Math.floor(1 + k / (2 * s));
      return Math.max(0, 1 - Math.abs(k / s - 2 * cycle + 1));
    };
    closeTo(got.lr.map((r) => r[0]!), (k) => 0.01 + 0.19 * tri(k), 1e-12);
    closeTo(got.momentum!.map((r) => r[0]!), (k) => 0.9 - 0.1 * tri(k), 1e-12);
  });

  it('CyclicLR triangular2 halves the amplitude each cycle', () => {
    const got = lrs({ type: 'CyclicLR', base_lr: 0, max_lr: 1, step_size_up: 2, cycle_momentum: false }, 12);
    expect([2, 6, 10].map((k) => got[k])).toEqual([1, 1, 1]);
    const got2 = lrs({ type: 'CyclicLR', base_lr: 0, max_lr: 1, step_size_up: 2, mode: 'triangular2', cycle_momentum: false }, 12);
    expect([2, 6, 10].map((k) => got2[k])).toEqual([1, 0.5, 0.25]);
  });

  it('CyclicLR with a custom scale_fn expression', () => {
    const got = lrs({ type: 'CyclicLR', base_lr: 0, max_lr: 1, step_size_up: 2, scale_fn: '1 / x', cycle_momentum: false }, 10);
    expect([2, 6, 10].map((k) => got[k])).toEqual([1, 0.5, 1 / 3]);
  });
});

describe('OneCycleLR', () => {
  const spec = { type: 'OneCycleLR', max_lr: 0.8, total_steps: 50, pct_start: 0.2, div_factor: 20, final_div_factor: 1000 };
  const t = trajectory({ optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 }, scheduler: spec, steps: 49 });
  const lr = t.lr.map((r) => r[0]!);

  it('starts at max_lr / div_factor with max_momentum', () => {
    expect(lr[0]).toBeCloseTo(0.8 / 20, 15);
    expect(t.momentum![0]![0]).toBe(0.95);
  });

  it('peaks at max_lr with base_momentum at step pct_start * total_steps - 1', () => {
    expect(lr[9]).toBeCloseTo(0.8, 15);
    expect(Math.max(...lr)).toBe(lr[9]);
    expect(t.momentum![9]![0]).toBeCloseTo(0.85, 15);
  });

  it('ends at initial_lr / final_div_factor on step total_steps - 1', () => {
    expect(lr[49]).toBeCloseTo(0.8 / 20 / 1000, 17);
  });

  it("raises PyTorch's error when stepped past total_steps", () => {
    const s = createScheduler(spec, { type: 'SGD', lr: 0.1, momentum: 0.9 });
    for (let k = 0; k < 50; k++) s.step();
    // 50 steps are allowed (last_epoch == total_steps); each further step raises, counting on.
    expect(() => s.step()).toThrow(ScheduleStepError);
    expect(() => s.step()).toThrow('Tried to step 52 times. The specified number of total steps is 50');
  });

  it('three_phase comes back to initial_lr at 2 * pct_start * total_steps - 2', () => {
    const l = lrs({ type: 'OneCycleLR', max_lr: 1, total_steps: 40, pct_start: 0.25, three_phase: true }, 39, { type: 'Adam', lr: 1 });
    expect(l[9]).toBeCloseTo(1, 15);
    expect(l[18]).toBeCloseTo(1 / 25, 15);
    expect(l[39]).toBeCloseTo(1 / 25 / 1e4, 18);
  });

  it('cycles Adam betas[0] and leaves beta2 alone', () => {
    const m = trajectory({ optimizer: { type: 'AdamW', betas: [0.8, 0.99] }, scheduler: { type: 'OneCycleLR', max_lr: 1, total_steps: 10 }, steps: 9 }).momentum!;
    expect(m[0]![0]).toBe(0.95);
    expect(Math.min(...m.map((r) => r[0]!))).toBeCloseTo(0.85, 15);
  });
});

describe('ReduceLROnPlateau', () => {
  it('reduces after patience + 1 non-improving steps, then waits out the cooldown', () => {
    const metrics = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const t = trajectory({ optimizer: SGD, scheduler: { type: 'ReduceLROnPlateau', patience: 1, factor: 0.5, cooldown: 2 }, steps: 10, metrics });
    // step 1 sets best; bad at 2, 3 -> reduce at 3; cooldown 4, 5; bad 6, 7 -> reduce at 7
    expect(t.lr.map((r) => r[0])).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025]);
  });

  it('needs the metric', () => {
    const s = createScheduler({ type: 'ReduceLROnPlateau' }, SGD);
    expect(() => s.step()).toThrow(ScheduleStepError);
    expect(() => s.step()).toThrow(/missing 1 required positional argument: 'metrics'/);
  });

  it('never goes below min_lr and ignores updates smaller than eps', () => {
    const t = trajectory({ optimizer: SGD, scheduler: { type: 'ReduceLROnPlateau', patience: 0, factor: 0.1, min_lr: 0.0005 }, steps: 6, metrics: [1, 2, 3, 4, 5, 6] });
    expect(t.lr.map((r) => r[0])).toEqual([0.1, 0.1, 0.010000000000000002, 0.0010000000000000002, 0.0005, 0.0005, 0.0005]);
  });
});

describe('composites', () => {
  it('SequentialLR switches to the next scheduler at its closed form for epoch 0', () => {
    const got = lrs({ type: 'SequentialLR', schedulers: [{ type: 'ConstantLR', factor: 0.5, total_iters: 10 }, { type: 'ExponentialLR', gamma: 0.5 }], milestones: [3] }, 5);
    expect(got).toEqual([0.05, 0.05, 0.05, 0.1, 0.05, 0.025]);
  });

  it('ChainedScheduler composes multiplicative updates', () => {
    const got = lrs({ type: 'ChainedScheduler', schedulers: [{ type: 'StepLR', step_size: 2, gamma: 0.5 }, { type: 'ExponentialLR', gamma: 0.5 }] }, 4);
    closeTo(got, (k) => 0.1 * 0.5 ** k * 0.5 ** Math.floor(k / 2), 1e-12);
  });

  it('a SequentialLR may start with a ChainedScheduler and nest inside one', () => {
    const inner = { type: 'ChainedScheduler', schedulers: [{ type: 'LinearLR', total_iters: 2 }, { type: 'StepLR', step_size: 3 }] };
    const got = lrs({ type: 'ChainedScheduler', schedulers: [{ type: 'SequentialLR', schedulers: [inner, { type: 'CosineAnnealingLR', T_max: 5 }], milestones: [4] }] }, 12);
    got.forEach((v) => expect(Number.isFinite(v) && v >= 0).toBe(true));
  });
});
