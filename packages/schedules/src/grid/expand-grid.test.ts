import { describe, expect, it } from 'vitest';
import { canonicalJson, expandEntry, gridOf } from './expand-grid.ts';

const expand = (entry: Record<string, unknown>, at = '/schedules/0') => [...expandEntry(entry, gridOf(entry, at).grid, at)];

describe('gridOf', () => {
  it('finds axes at any depth and multiplies their sizes', () => {
    const entry = {
      type: 'SequentialLR',
      milestones: [3, 6],
      schedulers: [{ type: 'LinearLR', total_iters: { values: [2, 4] } }, { type: 'ExponentialLR', gamma: { values: [0.9, 0.95, 0.99] } }],
    };
    const { grid, issues } = gridOf(entry, '/schedules/0');
    expect(issues).toEqual([]);
    expect(grid.size).toBe(6);
    expect(grid.axes.map((a) => a.path)).toEqual([
      ['schedulers', '0', 'total_iters'],
      ['schedulers', '1', 'gamma'],
    ]);
  });

  it('treats an entry without axes as one schedule', () => {
    expect(gridOf({ type: 'StepLR', step_size: 2, milestones: [1, 2] }, '/schedules/0').grid).toEqual({ axes: [], size: 1 });
  });

  it('reads only an object whose one key is `values` as an axis', () => {
    const { grid } = gridOf({ type: 'LambdaLR', lr_lambda: { values: ['1', '0.5'], other: 1 } }, '/schedules/0');
    expect(grid.axes).toEqual([]);
  });

  it('names an empty axis by its JSON pointer in the request', () => {
    const { issues } = gridOf({ type: 'StepLR', step_size: { values: [] } }, '/schedules/2');
    expect(issues).toEqual([{ path: '/schedules/2/step_size/values', message: 'a grid axis needs at least one value' }]);
  });

  it('escapes ~ and / in keys as JSON pointers do', () => {
    const { issues } = gridOf({ 'a/b~c': { values: [] } }, '');
    expect(issues[0]!.path).toBe('/a~1b~0c/values');
  });
});

describe('expandEntry', () => {
  it('yields every combination in odometer order, the last axis fastest', () => {
    const got = expand({ type: 'StepLR', step_size: { values: [2, 3] }, gamma: { values: [0.1, 0.5] } });
    expect(got.map((c) => c.schedule)).toEqual([
      { type: 'StepLR', step_size: 2, gamma: 0.1 },
      { type: 'StepLR', step_size: 2, gamma: 0.5 },
      { type: 'StepLR', step_size: 3, gamma: 0.1 },
      { type: 'StepLR', step_size: 3, gamma: 0.5 },
    ]);
  });

  it('points each choice at the value it took, to name it in errors', () => {
    const got = expand({ type: 'StepLR', step_size: { values: [2, 3] }, gamma: { values: [0.1, 0.5] } }, '/schedules/1');
    expect(got[2]!.choices).toEqual(['/schedules/1/step_size/values/1', '/schedules/1/gamma/values/0']);
  });

  it('replaces values inside arrays and leaves the entry as it was', () => {
    const entry = { type: 'SequentialLR', milestones: [2], schedulers: [{ type: 'LinearLR', total_iters: { values: [1, 2] } }, { type: 'ExponentialLR', gamma: 0.9 }] };
    const before = JSON.stringify(entry);
    const got = expand(entry);
    expect(got.map((c) => (c.schedule.schedulers as Array<Record<string, unknown>>)[0]!.total_iters)).toEqual([1, 2]);
    expect((got[0]!.schedule.schedulers as unknown[])[1]).toEqual({ type: 'ExponentialLR', gamma: 0.9 });
    expect(JSON.stringify(entry)).toBe(before);
  });

  it('yields the entry itself when it has no axes', () => {
    expect(expand({ type: 'StepLR', step_size: 2 })).toEqual([{ schedule: { type: 'StepLR', step_size: 2 }, choices: [] }]);
  });

  it('takes an axis value that is itself an object or array whole', () => {
    const got = expand({ type: 'MultiStepLR', milestones: { values: [[2, 4], [3]] } });
    expect(got.map((c) => c.schedule.milestones)).toEqual([[2, 4], [3]]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, so key order does not split a group', () => {
    const a = { type: 'SequentialLR', schedulers: [{ type: 'StepLR', gamma: 0.5, step_size: 2 }], milestones: [2] };
    const b = { milestones: [2], schedulers: [{ step_size: 2, type: 'StepLR', gamma: 0.5 }], type: 'SequentialLR' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(b)).toBe('{"milestones":[2],"schedulers":[{"gamma":0.5,"step_size":2,"type":"StepLR"}],"type":"SequentialLR"}');
  });

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson({ milestones: [2, 1] })).not.toBe(canonicalJson({ milestones: [1, 2] }));
  });
});
