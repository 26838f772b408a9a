/** Backends whose `train()` trains a call's trials as one packed computation. */
export const PACKING_BACKENDS: readonly string[] = ['blas'];

/**
 * LRSWEEP_PACK when unset, on a backend that packs: the fastest of 6, 12, 18 and 36 for the
 * 12 x 3 MNIST sweep on a 2-core machine, measured side by side with `npm run bench -- --packs`
 * (root README, "Packed training"). Larger packs wait longer on their checkpoints' writes, and
 * one worker holds a whole pack's jobs, which other workers then cannot take.
 */
export const DEFAULT_PACK = 12;

/**
 * The most trials this worker trains as one pack: LRSWEEP_PACK (or DEFAULT_PACK) on a backend
 * that packs; 1 (one by one) on any other, where a pack would only train its trials in turn.
 */
export function packSize(configured: number | undefined, backend: string): number {
  if (!PACKING_BACKENDS.includes(backend)) return 1;
  return configured ?? DEFAULT_PACK;
}
