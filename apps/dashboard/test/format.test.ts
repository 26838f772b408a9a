import { describe, expect, it } from 'vitest';
import { DATASETS, DATASET_SIZES, stepsPerEpoch as contractStepsPerEpoch } from '@lrsweep/contracts';
import { TRAIN_SIZES, epochMetrics, expandGrid, intervalDomain, intervalLabel, intervalSvg, lineOf, locate, metricChoices, packLabel, pointerOffsets, rungsLabel, scheduleLabel, seedsLabel, stepsPerEpoch, tiedLabel, topRung } from '../public/format.js';

describe('dashboard helpers', () => {
  // The page runs in the browser and cannot import contracts, so its copy is held to them here.
  it("knows the training-set sizes and steps per epoch the trainer uses (contracts'; the lr preview needs them)", () => {
    expect(TRAIN_SIZES).toEqual(Object.fromEntries(Object.entries(DATASET_SIZES).map(([k, v]) => [k, v.train])));
    for (const dataset of DATASETS) {
      for (const batchSize of [1, 7, 32, 64, 100, 720, 1000, 8000, 65536]) {
        expect(stepsPerEpoch({ dataset, batchSize }), `${dataset} / ${batchSize}`).toBe(contractStepsPerEpoch({ dataset, batchSize }));
      }
    }
    expect(stepsPerEpoch({ dataset: 'mnist', batchSize: 64 })).toBe(125);
    expect(stepsPerEpoch({ trainer: 'x', stepsPerEpoch: 7 })).toBe(7);
  });

  it("reads every metric an epoch reported, a script's own included, and offers the objective first", () => {
    expect(epochMetrics({ epoch: 0, lr: 0.1, train_loss: 1, val_loss: null, val_acc: null, metrics: { val_f1: 0.5 }, seconds: 1 })).toEqual({ train_loss: 1, val_f1: 0.5 });
    expect(epochMetrics({ epoch: 0, lr: 0.1, train_loss: 1, val_loss: 0.5, val_acc: 0.75, seconds: 1 })).toEqual({ train_loss: 1, val_loss: 0.5, val_acc: 0.75 });
    expect(metricChoices(['train_loss', 'bleu', 'val_loss', 'val_f1'], 'val_f1')).toEqual(['val_f1', 'val_loss', 'train_loss', 'bleu']);
    expect(metricChoices([], 'val_loss')).toEqual(['val_loss']);
  });

  it('labels the pack a trial trained in, and nothing for a trial trained alone', () => {
    const label = packLabel({ id: '3f2a9c1e-0000-4000-8000-000000000000', size: 6 });
    expect(label.short).toBe('3f2a9c1e ×6');
    expect(label.title).toBe('trained in pack 3f2a9c1e-0000-4000-8000-000000000000 with 5 other trials of this sweep');
    expect(packLabel({ id: 'abcdef12-x', size: 2 }).title).toMatch(/with 1 other trial of/);
    expect(packLabel(null)).toEqual({ short: '', title: '' });
    expect(packLabel(undefined)).toEqual({ short: '', title: '' });
  });

  it('expands grid axes at any depth, as the API does', () => {
    expect(expandGrid({ type: 'StepLR', step_size: { values: [2, 3] }, gamma: { values: [0.1, 0.5] } })).toHaveLength(4);
    const nested = expandGrid({ type: 'SequentialLR', schedulers: [{ type: 'LinearLR', total_iters: { values: [1, 2] } }, { type: 'ExponentialLR', gamma: 0.9 }], milestones: [2] });
    expect(nested.map((s: Record<string, unknown>) => (s.schedulers as Array<{ total_iters?: number }>)[0]!.total_iters)).toEqual([1, 2]);
    expect(nested[0]!.milestones).toEqual([2]);
  });

  it('finds the line of a JSON pointer, or of its nearest parent for a missing field', () => {
    const text = JSON.stringify({ name: 'x', task: { epochs: 0 }, schedules: [{ type: 'StepLR', 'a/b': 1 }] }, null, 2);
    const offsets = pointerOffsets(text);
    const line = (p: string) => lineOf(text, locate(offsets, p)!.start);
    expect(line('/task/epochs')).toBe(text.split('\n').findIndex((l) => l.includes('"epochs"')) + 1);
    expect(line('/schedules/0/a~1b')).toBe(text.split('\n').findIndex((l) => l.includes('"a/b"')) + 1);
    expect(line('/task/missing')).toBe(text.split('\n').findIndex((l) => l.includes('"task"')) + 1);
    expect(text.slice(locate(offsets, '/schedules/0/type')!.start, locate(offsets, '/schedules/0/type')!.end)).toBe('"StepLR"');
  });

  it('writes schedules as a PyTorch call', () => {
    expect(scheduleLabel({ type: 'StepLR', step_size: 2, gamma: 0.5 })).toBe('StepLR(step_size=2, gamma=0.5)');
    // A searched lr, carried in the trial's schedule, is said apart from the scheduler's arguments.
    expect(scheduleLabel({ type: 'StepLR', step_size: 2, gamma: 0.5, lr: 0.01 })).toBe('StepLR(step_size=2, gamma=0.5) at lr=0.01');
  });

  describe('the leaderboard', () => {
    const best = { rank: 1, mean: 0.4, ci: [0.3, 0.5] as [number, number], tiedWithBest: true, n: 3, diverged: 0, failed: 0 };
    const tied = { rank: 2, mean: 0.45, ci: [0.35, 0.55] as [number, number], tiedWithBest: true, n: 3, diverged: 0, failed: 0 };
    const worse = { rank: 3, mean: 0.9, ci: [0.85, 0.95] as [number, number], tiedWithBest: false, n: 2, diverged: 1, failed: 1 };
    const single = { rank: 4, mean: 1.1, ci: null, tiedWithBest: null, n: 1, diverged: 0, failed: 0 };

    it('marks schedules a successive-halving sweep stopped below its top rung, and lists its rungs', () => {
      const entries = [{ ...best, rung: 1 }, { ...tied, rung: 1 }, { ...single, rung: 0 }];
      expect(topRung(entries)).toBe(1);
      expect(topRung([best, tied])).toBeUndefined();
      expect(entries.map((e) => tiedLabel(e, topRung(entries)))).toEqual(['best', 'tied', 'stopped']);
      const halving = { rungs: [{ rung: 0, epochs: 2, configurations: 6, trials: 12, stopped: 4 }, { rung: 1, epochs: 6, configurations: 2, trials: 4, stopped: 0 }], epochsSpent: 48, gridEpochs: 72 };
      expect(rungsLabel(halving)).toBe("rung 0 (2 epochs): 6 schedules, 4 stopped · rung 1 (6 epochs): 2 schedules · 48 of the full grid's 72 epochs");
    });

    it('marks the tied group and shows lost seeds', () => {
      expect([best, tied, worse, single].map(tiedLabel)).toEqual(['best', 'tied', '', '?']);
      expect(seedsLabel(worse)).toBe('2 · 1 diverged · 1 failed');
      expect(seedsLabel(best)).toBe('3');
      expect(intervalLabel(best.ci)).toBe('[0.3, 0.5]');
      expect(intervalLabel(null)).toBe('no interval');
    });

    it('plots every interval on one axis, with the best mean as a reference line', () => {
      const domain = intervalDomain([best, tied, worse, single]);
      expect(domain[0]).toBeCloseTo(0.3 - 0.04, 12);
      expect(domain[1]).toBeCloseTo(1.1 + 0.04, 12);
      const svg = intervalSvg(tied, [0, 1], best.mean, 100);
      expect(svg).toContain('<line x1="35.0" x2="55.0"'); // the interval
      expect(svg).toContain('<circle cx="45.0"'); // the mean
      expect(svg).toContain('<line x1="40.0" x2="40.0"'); // the best's mean
      expect(svg).toContain('var(--accent)');
      const lone = intervalSvg(single, [0, 2], best.mean, 100);
      expect(lone).not.toContain('stroke-width="3"');
      expect(lone).toContain('<circle cx="55.0"');
    });

    it('widens a domain with no spread so a lone point still has an axis', () => {
      const [lo, hi] = intervalDomain([{ ...single, mean: 0.5 }]);
      expect(lo).toBeLessThan(0.5);
      expect(hi).toBeGreaterThan(0.5);
    });
  });
});
