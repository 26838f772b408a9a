import { TrainerConfigError } from '../errors.ts';
import { DATASETS, type Dataset, type DatasetName } from './dataset.types.ts';
import { loadMnist } from './mnist.dataset.ts';
import { makeSpirals } from './spirals.dataset.ts';

// One copy per process: a worker trains many trials on the same data, and mnist takes
// about a second to parse. Promises are cached so concurrent callers share one load.
const cache = new Map<DatasetName, Promise<Dataset>>();

/** Loads (once per process) and returns a dataset; later calls return the same object. */
export function loadDataset(name: DatasetName): Promise<Dataset> {
  if (!(DATASETS as readonly string[]).includes(name)) {
    return Promise.reject(new TrainerConfigError('/task/dataset', `unknown dataset '${String(name)}'`));
  }
  let hit = cache.get(name);
  if (!hit) {
    hit = name === 'mnist' ? loadMnist() : Promise.resolve(makeSpirals());
    // A failed load must not poison the cache for the rest of the process.
    hit.catch(() => cache.delete(name));
    cache.set(name, hit);
  }
  return hit;
}
