import { describe, expect, it } from 'vitest';
import { compareStreamIds, isStreamId } from './sweep-events.ts';

describe('stream ids', () => {
  it('accepts what Redis writes and nothing else (Last-Event-ID is client input)', () => {
    expect(isStreamId('1764358800000-0')).toBe(true);
    expect(isStreamId('0-0')).toBe(true);
    for (const bad of ['', '1764358800000', '1-2-3', '-1-0', 'abc-0', '1-0 ', '$', '+', '1'.repeat(21) + '-0']) expect(isStreamId(bad)).toBe(false);
  });

  it('orders ids numerically, beyond 2^53', () => {
    expect(compareStreamIds('9-0', '10-0')).toBe(-1);
    expect(compareStreamIds('10-2', '10-10')).toBe(-1);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBe(1);
  });
});
