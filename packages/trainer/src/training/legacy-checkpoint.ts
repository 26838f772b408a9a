import { CheckpointFormatError } from '../errors.ts';
import type { OptimizerState } from '../optimizers/optimizer.types.ts';
import { decodeFloat32 } from '../tensor-codec.ts';
import type { Checkpoint } from './train.types.ts';

/** A checkpoint as versions before the binary format stored it in Trial.checkpoint (jsonb). */
export interface LegacyJsonCheckpoint extends Omit<Checkpoint, 'format' | 'weights' | 'optimizerState'> {
  format: 1;
  /** base64 of little-endian float32, per model variable. */
  weights: string[];
  optimizerState: Omit<OptimizerState, 'slots'> & { slots: Record<string, (string | null)[]> };
}

export function isLegacyJsonCheckpoint(value: unknown): value is LegacyJsonCheckpoint {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 1;
}

/**
 * A JSON checkpoint written before the binary format, as today's Checkpoint: trials checkpointed
 * by an older worker still resume where they stopped instead of training again from epoch 0.
 */
export function fromLegacyJsonCheckpoint(json: LegacyJsonCheckpoint): Checkpoint {
  if (!Array.isArray(json.weights) || typeof json.optimizerState?.slots !== 'object') {
    throw new CheckpointFormatError('a format 1 JSON checkpoint without weights or optimizer slots');
  }
  const { weights, optimizerState, format: _format, ...rest } = json;
  const slots = Object.entries(optimizerState.slots).map(([name, values]) => [name, values.map((b64) => (b64 === null ? null : decodeFloat32(b64)))]);
  return { ...rest, format: 2, weights: weights.map(decodeFloat32), optimizerState: { ...optimizerState, slots: Object.fromEntries(slots) } };
}
