import type { TrainTask } from './train.types.ts';
import type { EpochRow } from './train.types.ts';

/** A spirals task small enough for unit tests (~0.05 s per epoch on wasm). */
export function spiralsTask(overrides: Partial<TrainTask> = {}): TrainTask {
  return {
    dataset: 'spirals',
    model: { type: 'mlp', hidden: [32, 32] },
    epochs: 4,
    batchSize: 32,
    optimizer: { type: 'SGD', lr: 0.1, momentum: 0.9 },
    ...overrides,
  };
}

/** Rows without wall-clock time, for exact comparisons. */
export const withoutSeconds = (rows: EpochRow[]) => rows.map(({ seconds: _s, ...rest }) => rest);
