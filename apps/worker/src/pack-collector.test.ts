import { describe, expect, it } from 'vitest';
import { createPackCollector } from './pack-collector.ts';

/** A collector whose packs are recorded and end when `finish()` is called. */
function recorder(size: number, slots: number, gatherMs = 20) {
  const packs: string[][] = [];
  const open: Array<() => void> = [];
  const collector = createPackCollector<string, string>({
    size,
    slots,
    gatherMs,
    run: (items) =>
      new Promise((resolve) => {
        packs.push(items);
        open.push(() => resolve(items.map((i) => `${i}:${items.length}`)));
      }),
  });
  return { collector, packs, finishAll: () => open.splice(0).forEach((f) => f()) };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the pack collector', () => {
  it('starts a full pack at once and gives every item its own result', async () => {
    const { collector, packs, finishAll } = recorder(3, 1, 10_000);
    const results = ['a', 'b', 'c'].map((x) => collector.add(x, 'sweep-1'));
    await tick(5);
    expect(packs).toEqual([['a', 'b', 'c']]);
    finishAll();
    expect(await Promise.all(results)).toEqual(['a:3', 'b:3', 'c:3']);
  });

  it('packs only items of one group together, and starts a partial pack once it has gathered', async () => {
    const { collector, packs, finishAll } = recorder(4, 2);
    const results = [collector.add('a1', 'A'), collector.add('b1', 'B'), collector.add('a2', 'A')];
    await tick(5);
    expect(packs).toEqual([]); // still gathering
    await tick(60);
    expect(packs.map((p) => [...p].sort())).toEqual([['a1', 'a2'], ['b1']]);
    finishAll();
    expect(await Promise.all(results)).toEqual(['a1:2', 'b1:1', 'a2:2']);
  });

  it('runs no more packs at once than it has slots; the rest wait and start as one ends', async () => {
    const { collector, packs, finishAll } = recorder(2, 1);
    const results = ['a', 'b', 'c', 'd', 'e'].map((x) => collector.add(x, 'S'));
    await tick(40);
    expect(packs).toEqual([['a', 'b']]);
    finishAll();
    await tick(5);
    expect(packs).toEqual([['a', 'b'], ['c', 'd']]);
    finishAll();
    await tick(40);
    expect(packs).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    finishAll();
    expect(await Promise.all(results)).toEqual(['a:2', 'b:2', 'c:2', 'd:2', 'e:1']);
  });

  it('lets a waiting item whose signal aborts leave at once, without running it', async () => {
    const { collector, packs, finishAll } = recorder(2, 1);
    const first = [collector.add('a', 'S'), collector.add('b', 'S')];
    const abort = new AbortController();
    const late = collector.add('c', 'S', { signal: abort.signal, aborted: () => 'given back' });
    abort.abort();
    expect(await late).toBe('given back');
    finishAll();
    await Promise.all(first);
    await tick(40);
    expect(packs).toEqual([['a', 'b']]);
  });

  it('with a pack size of one runs each item alone, at once', async () => {
    const { collector, packs, finishAll } = recorder(1, 2, 10_000);
    const results = [collector.add('a', 'S'), collector.add('b', 'S')];
    await tick(5);
    expect(packs).toEqual([['a'], ['b']]);
    finishAll();
    expect(await Promise.all(results)).toEqual(['a:1', 'b:1']);
  });
});
