import { describe, expect, it } from 'vitest';
import { colorEnabled, visibleLength } from './color.ts';

describe('colorEnabled', () => {
  it('is on for a terminal only, and off whenever NO_COLOR is set', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  it('counts visible characters, not escape codes', () => {
    expect(visibleLength('\x1b[1mabc\x1b[22m ±')).toBe(5);
  });
});
