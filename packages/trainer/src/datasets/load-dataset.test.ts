import { describe, expect, it } from 'vitest';
import { TrainerConfigError } from '../errors.ts';
import { DATASET_IMAGES } from '@lrsweep/contracts';
import { DATASETS, DATASET_SIZES, type Split } from './dataset.types.ts';
import { loadDataset } from './load-dataset.ts';

const labelsOf = (split: Split, classes: number): number[] =>
  Array.from({ length: split.size }, (_, i) => split.y.subarray(i * classes, (i + 1) * classes).indexOf(1));

describe('mnist', () => {
  it('loads 10,000 digits split 8,000/2,000 by the last 20% of each digit', async () => {
    const d = await loadDataset('mnist');
    expect([d.train.size, d.val.size]).toEqual([8000, 2000]);
    expect(DATASET_SIZES.mnist).toEqual({ train: 8000, val: 2000 });
    expect(d.train.x).toBeInstanceOf(Float32Array);
    expect(d.train.x.length).toBe(8000 * 784);
    expect(d.val.y.length).toBe(2000 * 10);
    // Digit 0 has 1,001 samples: round(200.2) = 200 go to val, 801 to train, and the split
    // keeps each digit contiguous, so the first val rows are zeros and the last are nines.
    const val = labelsOf(d.val, 10);
    const train = labelsOf(d.train, 10);
    expect(val.filter((l) => l === 0)).toHaveLength(200);
    expect(train.filter((l) => l === 0)).toHaveLength(801);
    expect(val.filter((l) => l === 9)).toHaveLength(196);
    expect([val[0], val.at(-1), train[0], train.at(-1)]).toEqual([0, 9, 0, 9]);
    // One-hot rows: exactly one 1 each.
    expect(val.every((l) => l >= 0)).toBe(true);
    expect(d.val.y.reduce((a, b) => a + b, 0)).toBe(2000);
    let min = Infinity;
    let max = -Infinity;
    for (const v of d.train.x) (min = Math.min(min, v)), (max = Math.max(max, v));
    expect([min, max]).toEqual([0, 1]);
  });

  it('is cached: later calls return the same object', async () => {
    expect(await loadDataset('mnist')).toBe(await loadDataset('mnist'));
  });
});

describe('spirals', () => {
  it('is 900 points in 3 balanced classes, split 720/180, the same every time', async () => {
    const d = await loadDataset('spirals');
    expect([d.train.size, d.val.size, d.features, d.classes]).toEqual([720, 180, 2, 3]);
    expect(DATASET_SIZES.spirals).toEqual({ train: 720, val: 180 });
    const all = [...labelsOf(d.train, 3), ...labelsOf(d.val, 3)];
    expect([0, 1, 2].map((c) => all.filter((l) => l === c).length)).toEqual([300, 300, 300]);
    const { makeSpirals } = await import('./spirals.dataset.ts');
    expect(makeSpirals().train.x).toEqual(d.train.x);
  });

  it('rejects an unknown dataset with a JSON pointer', async () => {
    await expect(loadDataset('cifar' as 'mnist')).rejects.toThrow(TrainerConfigError);
    await expect(loadDataset('cifar' as 'mnist')).rejects.toMatchObject({ path: '/task/dataset' });
  });
});

// The API plans sweeps and checks CNN depth from contracts' table without loading any data.
describe.each(DATASETS)('%s', (name) => {
  it("has the sizes and image shape contracts' table gives the API", async () => {
    const d = await loadDataset(name);
    expect({ train: d.train.size, val: d.val.size }).toEqual(DATASET_SIZES[name]);
    const image = DATASET_IMAGES[name];
    expect(d.imageShape?.slice(0, 2) ?? null).toEqual(image && [image.height, image.width]);
  });
});
