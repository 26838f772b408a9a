import { existsSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

// tfjs-node(-gpu) download libtensorflow in their install script, which fails on machines
// without network or with install scripts disabled, so they are optional: imported by a
// computed name (TypeScript and bundlers must not require them) and any failure means "absent".

async function importOptional(name: string): Promise<Record<string, unknown>> {
  return (await import(name)) as Record<string, unknown>;
}

/** A GPU is visible when the NVIDIA driver lists one; CUDA_VISIBLE_DEVICES='' hides them. */
export function gpuVisible(): boolean {
  if (process.env.CUDA_VISIBLE_DEVICES === '' || process.env.CUDA_VISIBLE_DEVICES === '-1') return false;
  const dir = '/proc/driver/nvidia/gpus';
  return existsSync(dir) && readdirSync(dir).length > 0;
}

/**
 * Loads tfjs-node or tfjs-node-gpu; both register a backend named 'tensorflow'. Returns its
 * version. Throws with the underlying reason when the package or its native library is missing.
 */
export async function loadNative(gpu: boolean): Promise<string> {
  if (gpu && !gpuVisible()) throw new Error('no NVIDIA GPU is visible (/proc/driver/nvidia/gpus is empty)');
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const mod = await importOptional(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its 'tensorflow' backend did not initialise`);
  const version = mod.version;
  return typeof version === 'string' ? version : String((version as Record<string, unknown> | undefined)?.['tfjs-node'] ?? tf.version_core);
}
