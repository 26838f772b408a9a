import { describe, expect, it } from 'vitest';
import type { SweepSummary, TrialSummary } from '@lrsweep/contracts';
import { palette } from './color.ts';
import { renderWatch, type WatchFrame } from './watch-view.ts';

const sweep: SweepSummary = {
  id: 's1',
  name: 'spirals',
  status: 'running',
  trials: { total: 8, queued: 3, running: 2, completed: 2, failed: 0, diverged: 1, cancelled: 0 },
  progress: 3 / 8,
  objective: { metric: 'val_loss', mode: 'min' },
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: null,
};

const trial = (index: number, epochsDone: number, schedule: Record<string, unknown>): TrialSummary => ({
  id: `t${index}`,
  sweepId: 's1',
  index,
  state: 'running',
  schedule,
  seed: index % 2,
  metrics: { val_loss: null, val_acc: null, train_loss: null },
  epochsDone,
  attempts: 1,
  worker: 'w',
  backend: 'wasm',
  seconds: null,
  error: null,
  divergedEpoch: null,
});

const frame = (over: Partial<WatchFrame> = {}): WatchFrame => ({
  sweep,
  running: [trial(5, 3, { type: 'StepLR', gamma: 0.5, step_size: 2 }), trial(4, 1, { type: 'CosineAnnealingLR', T_max: 4 })],
  epochs: 4,
  etaSeconds: 75,
  palette: palette(false),
  width: 100,
  maxTrials: 10,
  ...over,
});

describe('renderWatch', () => {
  it('draws the sweep, then one epoch bar per running trial in index order', () => {
    expect(renderWatch(frame())).toEqual([
      'spirals running [█████████░░░░░░░░░░░░░░░] 3/8 trials 37%  running 2  queued 3  diverged 1  ETA 1m15s',
      '  #4    [███░░░░░░░] epoch 1/4  seed 0  CosineAnnealingLR(T_max=4)',
      '  #5    [████████░░] epoch 3/4  seed 1  StepLR(step_size=2, gamma=0.5)',
    ]);
  });

  it('says nothing of an ETA it does not have yet', () => {
    expect(renderWatch(frame({ etaSeconds: null }))[0]).not.toContain('ETA');
  });

  it('cuts long schedules to the terminal width so redrawing never wraps', () => {
    const long = { type: 'OneCycleLR', max_lr: 0.4, total_steps: 1250, pct_start: 0.25, anneal_strategy: 'linear', div_factor: 10, final_div_factor: 1000 };
    const [, line] = renderWatch(frame({ running: [trial(0, 0, long)], width: 60 }));
    expect([...line!].length).toBe(59);
    expect(line!.endsWith('…')).toBe(true);
  });

  it('counts the running trials it has no room for', () => {
    const running = Array.from({ length: 5 }, (_, i) => trial(i, 0, { type: 'ExponentialLR', gamma: 0.9 }));
    const lines = renderWatch(frame({ running, maxTrials: 2 }));
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('  ... and 3 more running');
  });

  it('shows a halving sweep\'s rungs, and each trial\'s epochs out of its rung\'s length', () => {
    const halving = {
      rungs: [
        { rung: 0, epochs: 2, configurations: 6, trials: 12, stopped: 4 },
        { rung: 1, epochs: 6, configurations: 2, trials: 4, stopped: 0 },
      ],
      epochsSpent: 30,
      gridEpochs: 72,
    };
    const running = [{ ...trial(13, 2, { type: 'ExponentialLR', gamma: 0.9 }), rung: 1, budgetEpochs: 6 }];
    const lines = renderWatch(frame({ sweep: { ...sweep, trials: { ...sweep.trials, stopped: 8 } }, running, epochs: 6, halving }));
    expect(lines[0]).toContain('stopped 8');
    expect(lines[1]).toBe("  rungs 0 (2 ep): 6 schedules, 4 stopped | 1 (6 ep): 2 schedules  epochs 30 of the grid's 72");
    expect(lines[2]).toBe('  #13   [███░░░░░░░] epoch 2/6  rung 1  seed 1  ExponentialLR(gamma=0.9)');
  });
});
