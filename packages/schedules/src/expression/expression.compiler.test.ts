// The lr_lambda language against Python's own answers, and the inputs it must refuse.
import { describe, expect, it } from 'vitest';
import { ExpressionError, ScheduleError } from '../errors.ts';
import { compileLrLambda } from './compile-lr-lambda.ts';

const py = (src: string, epoch = 0): number => compileLrLambda(src)(epoch);

describe('Python operator semantics', () => {
  it.each([
    ['-2 ** 2', -4],
    ['2 ** -1', 0.5],
    ['2 ** 3 ** 2', 512],
    ['(2 ** 3) ** 2', 64],
    ['7 // -2', -4],
    ['-7 // 2', -4],
    ['7 // 2', 3],
    ['-7 % 3', 2],
    ['7 % -3', -2],
    ['7.5 % 2', 1.5],
    ['-7.5 // 2', -4],
    ['7 / 2', 3.5],
    ['not 0', 1],
    ['not 3', 0],
    ['1 if 0 else 2', 2],
    ['1 if 5 else 2', 1],
    ['0 or 3', 3],
    ['2 and 3', 3],
    ['0 and 3', 0],
    ['1 < 2 < 3', 1],
    ['1 < 3 < 2', 0],
    ['3 > 2 == 2', 1],
    ['1 == 1.0 != 2', 1],
    ['-(-3)', 3],
    ['+-+2', -2],
    ['1e-3 * 1_000', 1],
    ['.5 + 1.', 1.5],
    ['min(3, 1, 2)', 1],
    ['max(1, 4)', 4],
    ['abs(-2.5)', 2.5],
    ['round(2.5)', 2],
    ['round(3.5)', 4],
    ['math.floor(-0.5)', -1],
    ['math.ceil(0.2)', 1],
    ['math.sqrt(16)', 4],
    ['math.log(math.e)', 1],
    ['math.log(8, 2)', 3],
    ['math.log2(8) + math.log10(100)', 5],
    ['math.pow(2, 10)', 1024],
    ['math.fabs(-1)', 1],
    ['cos(0) + sin(0) + exp(0)', 2],
    ['math.tau == 2 * math.pi', 1],
    ['True + True', 2],
  ])('%s == %s', (src, want) => {
    expect(py(src)).toBe(want);
  });

  it('reads epoch, as in 0.1 ** (epoch // 10)', () => {
    expect([0, 9, 10, 25].map((e) => py('0.1 ** (epoch // 10)', e))).toEqual([1, 1, 0.1, 0.1 ** 2]);
  });

  it('min(1.0, (epoch + 1) / 5) at several epochs', () => {
    expect([0, 1, 3, 4, 9].map((e) => py('min(1.0, (epoch + 1) / 5)', e))).toEqual([0.2, 0.4, 0.8, 1, 1]);
  });

  it('chained comparison on epoch: 0 < epoch < 5', () => {
    expect([0, 1, 4, 5].map((e) => py('0 < epoch < 5', e))).toEqual([0, 1, 1, 0]);
  });

  it('conditional binds loosest: 0.9 if epoch < 4 else 0.99', () => {
    expect([3, 4].map((e) => py('0.9 if epoch < 4 else 0.99', e))).toEqual([0.9, 0.99]);
  });

  it('cosine lambda', () => {
    expect(py('0.5 * (1 + math.cos(math.pi * epoch / 10))', 5)).toBeCloseTo(0.5, 15);
  });
});

describe('Python runtime errors are typed', () => {
  it.each([
    ['1 / epoch', 'ZeroDivisionError', 2],
    ['1 // epoch', 'ZeroDivisionError', 2],
    ['1 % epoch', 'ZeroDivisionError', 2],
    ['epoch ** -1', 'ZeroDivisionError', 6],
    ['math.sqrt(epoch - 1)', 'math domain error', 5],
    ['math.log(epoch)', 'math domain error', 5],
    ['(-8) ** 0.5', 'fractional power', 5],
  ])('%s at epoch 0 raises %s at column %s', (src, what, column) => {
    const f = compileLrLambda(src);
    try {
      f(0);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      expect(err).toBeInstanceOf(ScheduleError);
      expect((err as ExpressionError).column).toBe(column);
      expect((err as ExpressionError).reason).toContain(what);
    }
  });
});

describe('rejected inputs name the offending column', () => {
  it.each([
    ["__import__('os')", 0],
    ['epoch.__class__', 6],
    ['math.__dict__', 5],
    ['(lambda: 1)()', 1],
    ['epoch[0]', 5],
    ["'a'", 0],
    ['1 +', 3],
    ['foo(1)', 0],
    ['math.system', 5],
    ['import os', 0],
    ['epoch = 1', 6],
    ['min(1)', 0],
    ['math', 0],
    ['cos', 0],
    ['epoch(1)', 5],
    ['1 2', 2],
    ['(1', 2],
    ['', 0],
    ['1 if epoch', 10],
    ['x', 0],
    ['epoch in 3', 6],
    ['1__2', 0],
    // Names of Object.prototype's members are unknown names, not functions found by inheritance.
    ['constructor(1)', 0],
    ['hasOwnProperty(epoch)', 0],
    ['toString', 0],
    ['__proto__', 0],
    ['math.constructor', 5],
    ['math.__proto__', 5],
  ])('%j fails at column %s', (src, column) => {
    try {
      compileLrLambda(src);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      expect((err as ExpressionError).code).toBe('LRS_INVALID_SCHEDULE');
      expect((err as ExpressionError).column).toBe(column);
    }
  });

  it.each([
    ['a long expression', '1+'.repeat(5000) + '1', /longer than 1000 characters/],
    ['deep parentheses', '('.repeat(150) + '1' + ')'.repeat(150), /nests deeper than 100/],
    ['a chain of unary minus', '-'.repeat(300) + '1', /nests deeper than 100/],
    ['a chain of not', 'not '.repeat(150) + '1', /nests deeper than 100/],
    ['a tower of powers', '2 ** '.repeat(150) + '1', /nests deeper than 100/],
  ])('refuses %s before it can exhaust the stack', (_what, src, reason) => {
    expect(() => compileLrLambda(src)).toThrow(reason);
    try {
      compileLrLambda(src);
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      // The error quotes the expression; a refused one must not echo a megabyte back.
      expect((err as Error).message.length).toBeLessThan(1200);
    }
  });

  it('accepts nesting and length within the limits', () => {
    expect(compileLrLambda('('.repeat(90) + 'epoch' + ')'.repeat(90))(3)).toBe(3);
    expect(compileLrLambda('-'.repeat(90) + '1')(0)).toBe(1);
  });

  it('never evaluates through Function or eval', () => {
    const f = compileLrLambda('epoch * 2');
    expect(f.toString()).not.toMatch(/eval|Function/);
    expect(f(3)).toBe(6);
  });
});
