import * as tf from '@tensorflow/tfjs';
import { DEFAULT_ADDON_PATH, loadBlasAddon } from '../blas/blas-addon.ts';
import type { WasmOptions } from './backend.types.ts';
import { loadWasm } from './wasm.backend.ts';

/** Options for the blas backend. */
export interface BlasOptions {
  /**
   * OpenBLAS threads. One per worker process, since we run one worker per core.
   * @defaultValue OPENBLAS_NUM_THREADS when set, else 1
   */
  threads?: number;
  /** The built addon; tests point it elsewhere to check the fallback. @defaultValue native/build/Release/lrsweep_blas.node */
  addonPath?: string;
}

/**
 * Loads the OpenBLAS addon, which trains MLPs (`src/blas/`), and makes wasm (else cpu) the
 * tfjs backend for what it does not cover (the cnn). Returns OpenBLAS's version. Throws when
 * the addon was not built (no compiler or no libopenblas at install), so selection moves on.
 */
export async function loadBlas(options: BlasOptions = {}, wasm: WasmOptions = {}): Promise<string> {
  const addon = loadBlasAddon(options.addonPath ?? DEFAULT_ADDON_PATH);
  if (options.threads !== undefined) addon.setNumThreads(options.threads);
  try {
    await loadWasm(wasm);
  } catch {
    if (!(await tf.setBackend('cpu'))) throw new Error('neither wasm nor cpu initialised for the models blas does not cover');
  }
  return openblasVersion(addon.config());
}

/** `OpenBLAS 0.3.21 DYNAMIC_ARCH ...` -> `0.3.21`. */
export function openblasVersion(config: string): string {
  return config.match(/\d+\.\d+\.\d+/)?.[0] ?? '0.0.0';
}
