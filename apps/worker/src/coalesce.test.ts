import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.ts';

describe('coalesce', () => {
  it('runs the calls of one tick as one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const double = coalesce(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => 2 * x);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('batches calls made while a batch is in flight into the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const echo = coalesce(async (xs: number[]) => {
      batches.push(xs);
      if (batches.length === 1) await gate;
      return xs;
    });
    const first = echo(1);
    await new Promise((r) => setImmediate(r));
    const later = [echo(2), echo(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('keeps items with the same key and items past max out of one batch', async () => {
    const batches: string[][] = [];
    const f = coalesce(async (xs: string[]) => (batches.push(xs), xs), { max: 2, key: (x) => x[0]! });
    await Promise.all(['a1', 'a2', 'b1', 'c1'].map(f));
    expect(batches).toEqual([['a1', 'b1'], ['a2', 'c1']]);
  });

  it('rejects every caller of a failed batch and keeps serving', async () => {
    let fail = true;
    const f = coalesce(async (xs: number[]) => {
      if (fail) throw new Error('down');
      return xs;
    });
    const results = await Promise.allSettled([f(1), f(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await f(3)).toBe(3);
  });
});
