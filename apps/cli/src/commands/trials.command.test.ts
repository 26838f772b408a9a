import { describe, expect, it } from 'vitest';
import type { TrialSummary } from '@lrsweep/contracts';
import { trialsTable } from './trials.command.ts';

const trial = (index: number, seed: number, reason: string | null): TrialSummary => ({
  id: `t${index}`,
  sweepId: 's1',
  index,
  state: 'completed',
  schedule: { type: 'StepLR', step_size: 100 },
  seed,
  metrics: { val_loss: 0.5, val_acc: 0.8, train_loss: 0.4 },
  epochsDone: 3,
  attempts: 1,
  worker: 'w:1',
  backend: 'noop',
  seconds: 1.5,
  error: null,
  divergedEpoch: null,
  reason,
});

describe('trialsTable', () => {
  it('says why the sweep added a trial, and nothing for the spec’s own', () => {
    const lines = trialsTable([trial(0, 0, null), trial(6, 3, 'seed race: tied with the best after 3 seeds')], 3).split('\n');
    const row = (index: number) => lines.find((l) => l.trimStart().startsWith(`${index} `))!;
    expect(row(0)).not.toMatch(/added/);
    expect(row(6)).toMatch(/StepLR\(step_size=100\)\s+added: seed race: tied with the best after 3 seeds$/);
  });
});
