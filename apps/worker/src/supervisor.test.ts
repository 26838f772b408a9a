import { describe, expect, it } from 'vitest';
import { parseGpus } from './supervisor.ts';

describe('parseGpus', () => {
  it('reads a comma-separated list of GPU indexes', () => {
    expect(parseGpus('0,1,2,3')).toEqual([0, 1, 2, 3]);
    expect(parseGpus(' 2, 5 ')).toEqual([2, 5]);
  });

  it('refuses anything that is not a list of distinct indexes', () => {
    for (const bad of ['', '0,', 'a', '-1', '1.5', '0,,1']) expect(() => parseGpus(bad), bad).toThrow(/--gpus must be/);
    expect(() => parseGpus('0,1,0')).toThrow(/twice/);
  });
});
