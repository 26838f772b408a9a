import { describe, expect, it } from 'vitest';
import { metricCells, metricColumns } from './export-metrics.ts';

describe("export's columns for a script's own metrics", () => {
  it('has one sorted column per metric any epoch reported, renaming one that is already a column', () => {
    const epochs: { metrics?: Record<string, number> }[] = [{ metrics: { val_f1: 0.5, rank: 3 } }, {}, { metrics: { bleu: 12 } }];
    const columns = metricColumns(epochs, ['epoch', 'rank']);
    expect(columns).toEqual([
      { metric: 'bleu', column: 'bleu' },
      { metric: 'rank', column: 'metrics.rank' },
      { metric: 'val_f1', column: 'val_f1' },
    ]);
    expect(epochs.map((e) => metricCells(e, columns))).toEqual([
      { bleu: null, 'metrics.rank': 3, val_f1: 0.5 },
      { bleu: null, 'metrics.rank': null, val_f1: null },
      { bleu: 12, 'metrics.rank': null, val_f1: null },
    ]);
  });

  it('adds nothing for a built-in sweep', () => {
    expect(metricColumns([{}, {}], ['epoch'])).toEqual([]);
  });
});
