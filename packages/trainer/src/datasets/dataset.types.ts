import type { DatasetName } from '@lrsweep/contracts';

// The names and sizes of the datasets are contracts' (the API checks tasks with them); the
// loaders' tests assert the data they load agrees.
export { DATASETS, DATASET_SIZES, type DatasetName } from '@lrsweep/contracts';

/** Row-major samples: `x` holds `size * features` floats, `y` holds `size * classes` one-hot floats. */
export interface Split {
  readonly size: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

export interface Dataset {
  readonly name: DatasetName;
  readonly features: number;
  readonly classes: number;
  /** Per-sample shape for conv models (HWC); flat models use `features`. */
  readonly imageShape: readonly [number, number, number] | null;
  readonly train: Split;
  readonly val: Split;
}
