import { describe, expect, it } from 'vitest';
import { DATASET_SIZES } from '@lrsweep/trainer';
import { TRAIN_SIZES, expandGrid, lineOf, locate, pointerOffsets, scheduleLabel, stepsPerEpoch } from '../public/format.js';

describe('dashboard helpers', () => {
  it('knows the training-set sizes the trainer uses (the lr preview needs steps per epoch)', () => {
    expect(TRAIN_SIZES).toEqual(Object.fromEntries(Object.entries(DATASET_SIZES).map(([k, v]) => [k, v.train])));
    expect(stepsPerEpoch({ dataset: 'mnist', batchSize: 64 })).toBe(125);
    expect(stepsPerEpoch({ trainer: 'x', stepsPerEpoch: 7 })).toBe(7);
  });

  it('expands grid axes at any depth, as the API does', () => {
    expect(expandGrid({ type: 'StepLR', step_size: { values: [2, 3] }, gamma: { values: [0.1, 0.5] } })).toHaveLength(4);
    const nested = expandGrid({ type: 'SequentialLR', schedulers: [{ type: 'LinearLR', total_iters: { values: [1, 2] } }, { type: 'ExponentialLR', gamma: 0.9 }], milestones: [2] });
    expect(nested.map((s: Record<string, unknown>) => (s.schedulers as Array<{ total_iters?: number }>)[0]!.total_iters)).toEqual([1, 2]);
    expect(nested[0]!.milestones).toEqual([2]);
  });

  it('finds the line of a JSON pointer, or of its nearest parent for a missing field', () => {
    const text = JSON.stringify({ name: 'x', task: { epochs: 0 }, schedules: [{ type: 'StepLR', 'a/b': 1 }] }, null, 2);
    const offsets = pointerOffsets(text);
    const line = (p: string) => lineOf(text, locate(offsets, p)!.start);
    expect(line('/task/epochs')).toBe(text.split('\n').findIndex((l) => l.includes('"epochs"')) + 1);
    expect(line('/schedules/0/a~1b')).toBe(text.split('\n').findIndex((l) => l.includes('"a/b"')) + 1);
    expect(line('/task/missing')).toBe(text.split('\n').findIndex((l) => l.includes('"task"')) + 1);
    expect(text.slice(locate(offsets, '/schedules/0/type')!.start, locate(offsets, '/schedules/0/type')!.end)).toBe('"StepLR"');
  });

  it('writes schedules as a PyTorch call', () => {
    expect(scheduleLabel({ type: 'StepLR', step_size: 2, gamma: 0.5 })).toBe('StepLR(step_size=2, gamma=0.5)');
  });
});
