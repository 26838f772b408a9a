import { gaussian, mulberry32, permutation } from '../rng.ts';
import type { Dataset, Split } from './dataset.types.ts';

// Fixed on purpose: the data must be the same for every trial, whatever its seed, or
// schedules would be compared on different problems.
const DATASET_SEED = 20240611;
const POINTS_PER_CLASS = 300;
const CLASSES = 3;
const NOISE = 0.2;

/** The CS231n three-arm spiral: arms overlap enough that a linear model stays near chance. */
export function makeSpirals(): Dataset {
  const rand = mulberry32(DATASET_SEED);
  const n = POINTS_PER_CLASS * CLASSES;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n * CLASSES);
  for (let c = 0; c < CLASSES; c++) {
    for (let i = 0; i < POINTS_PER_CLASS; i++) {
      const k = c * POINTS_PER_CLASS + i;
      const r = i / (POINTS_PER_CLASS - 1);
      const t = c * 4 + (4 * i) / (POINTS_PER_CLASS - 1) + gaussian(rand) * NOISE;
      x[2 * k] = r * Math.sin(t);
      x[2 * k + 1] = r * Math.cos(t);
      y[k * CLASSES + c] = 1;
    }
  }
  const order = permutation(n, rand);
  const nTrain = Math.round(n * 0.8);
  return {
    name: 'spirals',
    features: 2,
    classes: CLASSES,
    imageShape: null,
    train: pick(x, y, order.subarray(0, nTrain)),
    val: pick(x, y, order.subarray(nTrain)),
  };
}

function pick(x: Float32Array, y: Float32Array, rows: Int32Array): Split {
  const px = new Float32Array(rows.length * 2);
  const py = new Float32Array(rows.length * CLASSES);
  rows.forEach((row, i) => {
    px.set(x.subarray(row * 2, row * 2 + 2), i * 2);
    py.set(y.subarray(row * CLASSES, row * CLASSES + CLASSES), i * CLASSES);
  });
  return { size: rows.length, x: px, y: py };
}
