import { describe, expect, it } from 'vitest';
import { canonicalSchedule, scheduleKey } from './canonical-schedule.ts';

describe('canonicalSchedule', () => {
  it("fills in PyTorch's defaults and the natural interval", () => {
    expect(canonicalSchedule({ type: 'StepLR', step_size: 2 })).toEqual({ type: 'StepLR', step_size: 2, gamma: 0.1, interval: 'epoch' });
    expect(canonicalSchedule({ type: 'OneCycleLR', max_lr: 0.1, total_steps: 100 })).toMatchObject({ interval: 'step', pct_start: 0.3, epochs: null, three_phase: false });
  });

  it('keeps what the spec says over a default, and drops last_epoch', () => {
    expect(canonicalSchedule({ type: 'StepLR', step_size: 2, gamma: 0.5, interval: 'step', last_epoch: -1 })).toEqual({ type: 'StepLR', step_size: 2, gamma: 0.5, interval: 'step' });
  });

  it('fills in the children of composites, but not their interval', () => {
    const spec = { type: 'SequentialLR', milestones: [2], schedulers: [{ type: 'LinearLR' }, { type: 'StepLR', step_size: 1 }] };
    expect(canonicalSchedule(spec)).toEqual({
      type: 'SequentialLR',
      milestones: [2],
      interval: 'epoch',
      schedulers: [
        { type: 'LinearLR', start_factor: 1 / 3, end_factor: 1, total_iters: 5 },
        { type: 'StepLR', step_size: 1, gamma: 0.1 },
      ],
    });
  });

  it('returns a spec that does not validate as it is', () => {
    expect(canonicalSchedule({ type: 'NoSuchLR', x: 1 })).toEqual({ type: 'NoSuchLR', x: 1 });
    expect(canonicalSchedule({ type: 'StepLR', step_size: 'two' })).toEqual({ type: 'StepLR', step_size: 'two' });
  });
});

describe('scheduleKey', () => {
  it('is one key for every way of writing one configuration', () => {
    const key = scheduleKey({ type: 'StepLR', step_size: 2 });
    expect(scheduleKey({ type: 'StepLR', step_size: 2, gamma: 0.1 })).toBe(key);
    expect(scheduleKey({ gamma: 0.1, step_size: 2.0, type: 'StepLR', interval: 'epoch' })).toBe(key);
    expect(scheduleKey(JSON.parse('{"type": "StepLR", "step_size": 2.0, "gamma": 1e-1}'))).toBe(key);
  });

  it('tells different configurations apart', () => {
    const key = scheduleKey({ type: 'StepLR', step_size: 2 });
    expect(scheduleKey({ type: 'StepLR', step_size: 2, gamma: 0.5 })).not.toBe(key);
    expect(scheduleKey({ type: 'StepLR', step_size: 2, interval: 'step' })).not.toBe(key);
    expect(scheduleKey({ type: 'StepLR', step_size: 3 })).not.toBe(key);
  });
});
