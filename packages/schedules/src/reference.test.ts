// Every case of the PyTorch-generated reference file, lr and momentum, at rel 1e-12, plus an
// interrupted-and-resumed run of each case through a JSON round trip of stateDict().
import { describe, expect, it } from 'vitest';
import { createScheduler, trajectory } from './index.ts';
import { firstMismatch, loadReferenceCases } from './testing/reference-cases.ts';

const cases = loadReferenceCases();

describe('PyTorch reference trajectories', () => {
  it('has the 36 cases the suite was written against', () => {
    expect(cases.length).toBeGreaterThanOrEqual(36);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const t = trajectory(c);
    expect(firstMismatch(t.lr, c.expected.lr)).toBeNull();
    if (c.expected.momentum) {
      expect(t.momentum).toBeDefined();
      expect(firstMismatch(t.momentum!, c.expected.momentum)).toBeNull();
    } else {
      expect(t.momentum).toBeUndefined();
    }
  });
});

describe('stateDict resume', () => {
  const run = (c: (typeof cases)[number], from: number, to: number, s = createScheduler(c.scheduler, c.optimizer)) => {
    const rows: number[][] = [];
    for (let k = from; k < to; k++) {
      s.step(c.metrics?.[k]);
      rows.push([...s.lrs, ...(s.momentums ?? [])]);
    }
    return { s, rows };
  };

  it.each(cases.map((c) => [c.id, c] as const))('%s resumes mid-way with the same trajectory', (_id, c) => {
    const whole = run(c, 0, c.steps).rows;
    for (const k of [1, Math.floor(c.steps / 2), c.steps - 1]) {
      const first = run(c, 0, k);
      const saved = JSON.stringify(first.s.stateDict());
      const fresh = createScheduler(c.scheduler, c.optimizer);
      fresh.loadStateDict(JSON.parse(saved));
      const rest = run(c, k, c.steps, fresh).rows;
      expect([...first.rows, ...rest]).toEqual(whole);
    }
  });

  it('rejects a state saved from a different schedule', () => {
    const a = createScheduler({ type: 'StepLR', step_size: 2 }, { type: 'SGD', lr: 0.1 });
    const b = createScheduler({ type: 'ExponentialLR', gamma: 0.9 }, { type: 'SGD', lr: 0.1 });
    expect(() => b.loadStateDict(a.stateDict())).toThrow(/does not match/);
  });

  it('keeps ReduceLROnPlateau best=inf through JSON', () => {
    const s = createScheduler({ type: 'ReduceLROnPlateau', mode: 'max' }, { type: 'SGD', lr: 0.1 });
    const json = JSON.stringify(s.stateDict());
    expect(json).toContain('"-Infinity"');
    const t = createScheduler({ type: 'ReduceLROnPlateau', mode: 'max' }, { type: 'SGD', lr: 0.1 });
    t.loadStateDict(JSON.parse(json));
    expect(t.stateDict()).toEqual(s.stateDict());
  });
});
