import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Dataset } from './dataset.types.ts';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
const VAL_FRACTION = 0.2;

// The `mnist` package ships 10,000 digits as one JSON file per digit ({"data": [...]}, 784
// floats in [0,1] per sample). Its own entry point builds nested JS arrays of every sample
// at import time, so we read the JSON files directly into Float32Arrays instead.
function digitsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/**
 * Validation is the last 20% (rounded) of each digit's samples, so the split is the same on
 * every machine and stratified by class: 8,000 train and 2,000 val.
 */
export async function loadMnist(): Promise<Dataset> {
  const dir = digitsDir();
  const digits = await Promise.all(
    Array.from({ length: CLASSES }, async (_, d) => {
      const json = JSON.parse(await readFile(path.join(dir, `${d}.json`), 'utf8')) as { data: number[] };
      return Float32Array.from(json.data);
    }),
  );
  const counts = digits.map((pixels) => pixels.length / PIXELS);
  const valCounts = counts.map((n) => Math.round(n * VAL_FRACTION));
  const nVal = valCounts.reduce((a, b) => a + b, 0);
  const nTrain = counts.reduce((a, b) => a + b, 0) - nVal;
  const train = { size: nTrain, x: new Float32Array(nTrain * PIXELS), y: new Float32Array(nTrain * CLASSES) };
  const val = { size: nVal, x: new Float32Array(nVal * PIXELS), y: new Float32Array(nVal * CLASSES) };
  let ti = 0;
  let vi = 0;
  digits.forEach((pixels, d) => {
    const nValD = valCounts[d]!;
    const nTrainD = counts[d]! - nValD;
    train.x.set(pixels.subarray(0, nTrainD * PIXELS), ti * PIXELS);
    val.x.set(pixels.subarray(nTrainD * PIXELS), vi * PIXELS);
    for (let i = 0; i < nTrainD; i++) train.y[(ti + i) * CLASSES + d] = 1;
    for (let i = 0; i < nValD; i++) val.y[(vi + i) * CLASSES + d] = 1;
    ti += nTrainD;
    vi += nValD;
  });
  return { name: 'mnist', features: PIXELS, classes: CLASSES, imageShape: [SIDE, SIDE, 1], train, val };
}
