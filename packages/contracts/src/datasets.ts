// The built-in trainer's datasets, known without loading them: the API checks per-step
// schedules and CNN depth at submit time from these, the trainer asserts its loaders agree.

export const DATASETS = ['mnist', 'spirals'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Samples per split: validation = the last 20% of each class (mnist) or of the shuffled set (spirals). */
export const DATASET_SIZES: Record<DatasetName, { train: number; val: number }> = {
  mnist: { train: 8_000, val: 2_000 },
  spirals: { train: 720, val: 180 },
};

/**
 * Per-sample image size, or null for flat data (a CNN needs an image). `maxConvLayers`: each
 * 3x3 'valid' conv + 2x2 max-pool stage of the trainer's CNN shrinks a side n to
 * floor((n - 2) / 2), so 28 -> 13 -> 5; a third stage would leave a 1x1 map.
 */
export const DATASET_IMAGES: Record<DatasetName, { height: number; width: number; maxConvLayers: number } | null> = {
  mnist: { height: 28, width: 28, maxConvLayers: 2 },
  spirals: null,
};
