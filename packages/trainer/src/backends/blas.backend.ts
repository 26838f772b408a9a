import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_ADDON_PATH, loadBlasAddon } from '../blas/blas-addon.ts';
import type { WasmOptions } from './backend.types.ts';
import { loadWasm } from './wasm.backend.ts';

/** Options for the blas backend. */
export interface BlasOptions {
  /** The built addon; tests point it elsewhere to check the fallback. @defaultValue native/build/Release/lrsweep_blas.node */
  addonPath?: string;
}

/**
 * Loads the native addon, which trains the MLP and the CNN (`src/blas/`) with its own kernels,
 * and makes wasm (else cpu) the tfjs backend for anything tfjs still does there. Returns the
 * trainer's version with the sgemm kernels in use as build metadata (`0.1.0+avx512`), since
 * AVX-512, AVX2 and portable kernels round differently. Throws when the addon was not built
 * (no C++ compiler at install), so selection moves on.
 */
export async function loadBlas(options: BlasOptions = {}, wasm: WasmOptions = {}): Promise<string> {
  const addon = loadBlasAddon(options.addonPath ?? DEFAULT_ADDON_PATH);
  try {
    await loadWasm(wasm);
  } catch {
    if (!(await tf.setBackend('cpu'))) throw new Error('neither wasm nor cpu initialised for the models blas does not cover');
  }
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  return `${version}+${addon.kernels()}`;
}
