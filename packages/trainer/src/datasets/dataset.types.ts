export const DATASETS = ['mnist', 'spirals'] as const;
export type DatasetName = (typeof DATASETS)[number];

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

/**
 * Sizes known without loading, so the noop backend can step per-batch schedulers the right
 * number of times without reading 20 MB of digits. The loader tests assert they match.
 */
export const DATASET_SIZES: Record<DatasetName, { train: number; val: number }> = {
  spirals: { train: 720, val: 180 },
  mnist: { train: 8000, val: 2000 },
};
