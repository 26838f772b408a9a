import { describe, expect, it } from 'vitest';
import { tabulateExpressions } from './lambda-tables.ts';

describe('tabulateExpressions', () => {
  it('replaces lr_lambda expressions (one or per group) by their values, at any depth', () => {
    const spec = {
      type: 'SequentialLR',
      milestones: [2],
      schedulers: [{ type: 'LambdaLR', lr_lambda: '0.5 ** epoch' }, { type: 'LambdaLR', lr_lambda: ['epoch', '1 / epoch'] }],
    };
    expect(tabulateExpressions(spec, 3)).toEqual({
      type: 'SequentialLR',
      milestones: [2],
      schedulers: [
        { type: 'LambdaLR', lr_lambda: { table: [1, 0.5, 0.25] } },
        { type: 'LambdaLR', lr_lambda: [{ table: [0, 1, 2] }, { table: [null, 1, 0.5] }] }, // 1/0 raised: null
      ],
    });
  });

  it("tabulates CyclicLR's scale_fn in x without touching names that contain an x", () => {
    expect(tabulateExpressions({ type: 'CyclicLR', scale_fn: 'math.exp(-x) * max(x, 1)' }, 3)).toEqual({
      type: 'CyclicLR',
      scale_fn: { table: [1, Math.exp(-1), Math.exp(-2) * 2] },
    });
  });

  it('refuses code as the API does', () => {
    expect(() => tabulateExpressions({ type: 'LambdaLR', lr_lambda: "__import__('os')" }, 2)).toThrow();
  });
});
