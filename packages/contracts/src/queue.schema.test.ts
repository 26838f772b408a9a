import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { TrialJob } from './index.ts';

describe('TrialJob', () => {
  it('accepts ids and nothing else', () => {
    const id = '6f1c1f5e-6a55-4c1e-9a53-0d6f5c1c2a10';
    expect(Value.Check(TrialJob, { trialId: id, sweepId: id })).toBe(true);
    expect(Value.Check(TrialJob, { trialId: 'x', sweepId: id })).toBe(false);
    expect(Value.Check(TrialJob, { trialId: id, sweepId: id, extra: 1 })).toBe(false);
    expect(Value.Check(TrialJob, { trialId: id })).toBe(false);
  });
});
