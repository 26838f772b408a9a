import { describe, expect, it } from 'vitest';
import { SOBOL_MAX_DIMENSIONS, sobolPoints } from './sobol.ts';

// Reference points from scipy.stats.qmc.Sobol(d=21, scramble=False).random(1001), which uses
// the same Joe-Kuo direction numbers: a wrong direction number changes some of these.
const SCIPY: Record<number, number[]> = {
  2: [0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.75, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.25],
  8: [0.1875, 0.3125, 0.9375, 0.4375, 0.5625, 0.3125, 0.4375, 0.9375, 0.9375, 0.3125, 0.6875, 0.0625, 0.9375, 0.9375, 0.8125, 0.9375, 0.8125, 0.8125, 0.9375, 0.3125, 0.1875],
  200: [
    0.20703125, 0.38671875, 0.41015625, 0.58984375, 0.81640625, 0.55859375, 0.02734375, 0.97265625, 0.33203125, 0.62109375, 0.99609375, 0.58984375, 0.30859375,
    0.58984375, 0.09765625, 0.69140625, 0.63671875, 0.84765625, 0.74609375, 0.17578125, 0.36328125,
  ],
  1000: [
    0.2197265625, 0.0966796875, 0.5185546875, 0.6767578125, 0.2802734375, 0.9072265625, 0.0458984375, 0.8994140625, 0.5009765625, 0.0693359375, 0.0849609375,
    0.2548828125, 0.1611328125, 0.3837890625, 0.1435546875, 0.3701171875, 0.7197265625, 0.3447265625, 0.9912109375, 0.7255859375, 0.5224609375,
  ],
};

describe('sobolPoints', () => {
  const points = sobolPoints(SOBOL_MAX_DIMENSIONS, 1001);

  it('starts at the origin, then the centre', () => {
    expect(points[0]).toEqual(new Array(21).fill(0));
    expect(points[1]).toEqual(new Array(21).fill(0.5));
  });

  it.each(Object.entries(SCIPY))("point %s is scipy's", (i, expected) => {
    expect(points[Number(i)]).toEqual(expected);
  });

  it('puts one of the first 2^k points in each of the 2^k cells of every dimension', () => {
    for (let d = 0; d < SOBOL_MAX_DIMENSIONS; d++) {
      const cells = new Set(points.slice(0, 64).map((p) => Math.floor(p[d]! * 64)));
      expect(cells.size).toBe(64);
    }
  });

  it('skips points without changing the rest', () => {
    expect(sobolPoints(3, 4, 5)).toEqual(sobolPoints(3, 9).slice(5));
  });

  it('refuses more dimensions than it has direction numbers for', () => {
    expect(() => sobolPoints(SOBOL_MAX_DIMENSIONS + 1, 1)).toThrow(RangeError);
  });
});
