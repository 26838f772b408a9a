/** Backends whose `train()` trains a call's trials as one packed computation. */
export const PACKING_BACKENDS: readonly string[] = ['blas'];

/**
 * LRSWEEP_PACK when unset, on a backend that packs: with `lrsweep serve`'s 2 workers, the
 * fastest for the 12 x 3 MNIST sweep on a 2-core machine, measured side by side with
 * `npm run bench -- --packs` (root README, "Packed training"): 18 splits the 36 trials into
 * one pack per worker (9 into two each, as fast; 12 leaves a third pack to one worker alone).
 * One worker holds a whole pack's jobs, which other workers then cannot take.
 */
export const DEFAULT_PACK = 18;

/**
 * The most trials this worker trains as one pack: LRSWEEP_PACK (or DEFAULT_PACK) on a backend
 * that packs; 1 (one by one) on any other, where a pack would only train its trials in turn.
 */
export function packSize(configured: number | undefined, backend: string): number {
  if (!PACKING_BACKENDS.includes(backend)) return 1;
  return configured ?? DEFAULT_PACK;
}
