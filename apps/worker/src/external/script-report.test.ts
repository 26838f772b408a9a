import { describe, expect, it } from 'vitest';
import { judgeReport, parseReport, type ScriptReport } from './script-report.ts';

const report = (metrics: Record<string, number>): ScriptReport => ({ type: 'report', epoch: 2, lr: 0.1, seconds: 1, metrics });

describe('parseReport', () => {
  it('reads every key besides epoch, lr and seconds as a metric, non-finite spellings included', () => {
    expect(parseReport({ type: 'report', epoch: 0, lr: 0.1, seconds: 2, val_f1: 0.5, 'val/bleu': 'nan', train_loss: '-inf' })).toEqual({
      type: 'report',
      epoch: 0,
      lr: 0.1,
      seconds: 2,
      metrics: { val_f1: 0.5, 'val/bleu': NaN, train_loss: -Infinity },
    });
    expect(parseReport({ type: 'report', epoch: 1, lr: 0.1 })).toEqual({ type: 'report', epoch: 1, lr: 0.1, seconds: 0, metrics: {} });
  });

  it('says what is wrong with a report the trial cannot use', () => {
    const error = (m: Record<string, unknown>) => {
      const r = parseReport({ type: 'report', ...m });
      return r.type === 'bad-report' ? r.error : null;
    };
    expect(error({ epoch: -1, lr: 0.1 })).toBe('a bad report: epoch -1 is not a whole number from 0');
    expect(error({ epoch: 0, lr: 'high' })).toBe('a bad report at epoch 0: lr "high" is not a finite number');
    expect(error({ epoch: 0, lr: 0.1, val_f1: '0.5' })).toBe('a bad report at epoch 0: metric val_f1 is "0.5", not a number');
    expect(error({ epoch: 0, lr: 0.1, 'f 1': 1 })).toMatch(/metric name 'f 1' is not a name/);
    expect(error({ epoch: 0, lr: 0.1, ['m'.repeat(65)]: 1 })).toMatch(/longer than 64 characters/);
    expect(error({ epoch: 0, lr: 0.1, ...Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, 1])) })).toMatch(/33 metrics; at most 32/);
  });
});

describe('judgeReport', () => {
  it("splits a finite report into the named columns (null where not reported) and the script's own metrics", () => {
    expect(judgeReport(report({ val_loss: 0.5, val_f1: 0.75 }), 'val_f1')).toEqual({
      row: { epoch: 2, lr: 0.1, train_loss: null, val_loss: 0.5, val_acc: null, metrics: { val_f1: 0.75 }, seconds: 1 },
    });
    expect(judgeReport(report({ train_loss: 1, val_loss: 0.5, val_acc: 0.25 }), 'val_loss')).toEqual({
      row: { epoch: 2, lr: 0.1, train_loss: 1, val_loss: 0.5, val_acc: 0.25, seconds: 1 },
    });
  });

  it('calls a non-finite loss or objective divergence, and any other non-finite metric a bad report', () => {
    expect(judgeReport(report({ train_loss: NaN, val_f1: 0.5 }), 'val_f1')).toEqual({ diverged: 'non-finite loss at epoch 2 (train_loss NaN)' });
    expect(judgeReport(report({ val_loss: 1, val_f1: Infinity }), 'val_f1')).toEqual({ diverged: 'non-finite objective at epoch 2 (val_f1 Infinity)' });
    expect(judgeReport(report({ val_loss: 1, val_acc: NaN }), 'val_acc')).toEqual({ diverged: 'non-finite objective at epoch 2 (val_acc NaN)' });
    expect(judgeReport(report({ val_loss: 1, val_f1: NaN }), 'val_loss')).toEqual({
      bad: 'epoch 2 reported val_f1 = NaN: metrics must be finite numbers (a non-finite train_loss, val_loss or objective val_loss means the trial diverged)',
    });
  });
});
