// Seeded property tests: random valid specs never yield NaN, infinite or negative rates;
// random single-field breakages of valid specs always yield a ScheduleError with a pointer.
import { describe, expect, it } from 'vitest';
import { createScheduler, ScheduleError, validateSchedule } from './index.ts';
import { ALL_TYPES, int, mulberry32, mutate, pick, validSpec } from './testing/random-specs.ts';

const optimizerFor = (rng: () => number, groups: number) =>
  pick(rng, [
    { type: 'SGD', param_groups: Array.from({ length: groups }, () => ({ lr: 0.01 + rng() })), momentum: 0.9 },
    { type: 'Adam', param_groups: Array.from({ length: groups }, () => ({ lr: 0.001 + rng() / 10 })) },
    { type: 'AdamW', lr: 0.01, param_groups: Array.from({ length: groups }, () => ({ lr: 0.003 })), betas: [0.9, 0.99] as [number, number] },
  ]);

describe('random valid specs', () => {
  it('600 specs of every type (nested composites included) stay finite and non-negative over 120 steps', () => {
    const rng = mulberry32(20240601);
    const seen = new Set<string>();
    for (let n = 0; n < 600; n++) {
      const type = ALL_TYPES[n % ALL_TYPES.length]!;
      const groups = int(rng, 1, 3);
      const spec = validSpec(rng, type, groups);
      const optimizer = optimizerFor(rng, groups);
      const label = JSON.stringify({ spec, optimizer });
      expect(validateSchedule(spec, optimizer), label).toEqual([]);
      const s = createScheduler(spec, optimizer);
      seen.add(type);
      for (let k = 0; k <= 120; k++) {
        if (k > 0) s.step(type === 'ReduceLROnPlateau' ? rng() : undefined);
        for (const lr of s.lrs) {
          if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`step ${k}: lr ${lr} for ${label}`);
        }
        for (const m of s.momentums ?? []) {
          if (!(Number.isFinite(m) && m >= 0)) throw new Error(`step ${k}: momentum ${m} for ${label}`);
        }
      }
    }
    expect([...seen].sort()).toEqual([...ALL_TYPES].sort());
  });
});

describe('random invalid specs', () => {
  it('600 broken specs always throw a ScheduleError with a non-empty JSON pointer', () => {
    const rng = mulberry32(77);
    for (let n = 0; n < 600; n++) {
      const type = ALL_TYPES[n % ALL_TYPES.length]!;
      const groups = int(rng, 1, 3);
      const spec = validSpec(rng, type, groups);
      const optimizer = optimizerFor(rng, groups);
      const what = mutate(rng, spec, groups);
      const label = `${what}: ${JSON.stringify(spec)}`;
      let caught: unknown = null;
      try {
        createScheduler(spec, optimizer);
      } catch (err) {
        caught = err;
      }
      expect(caught, label).toBeInstanceOf(ScheduleError);
      const err = caught as ScheduleError;
      expect(err.code).toBe('LRS_INVALID_SCHEDULE');
      expect(err.path, label).toMatch(/^(\/[^/]*)+$/);
      expect(err.message).toBe(`${err.path}: ${err.reason}`);
      expect(validateSchedule(spec, optimizer).length, label).toBeGreaterThan(0);
    }
  });
});
