/** Backends whose `train()` trains a call's trials as one packed computation. */
export const PACKING_BACKENDS: readonly string[] = ['blas'];

/**
 * LRSWEEP_PACK when unset, on a backend that packs: measured with `npm run bench` on the 12 x 3
 * MNIST sweep (see the root README, "Scaling workers").
 */
export const DEFAULT_PACK = 6;

/**
 * The most trials this worker trains as one pack: LRSWEEP_PACK (or DEFAULT_PACK) on a backend
 * that packs; 1 (one by one) on any other, where a pack would only train its trials in turn.
 */
export function packSize(configured: number | undefined, backend: string): number {
  if (!PACKING_BACKENDS.includes(backend)) return 1;
  return configured ?? DEFAULT_PACK;
}
