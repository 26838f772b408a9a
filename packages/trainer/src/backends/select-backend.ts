import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../errors.ts';
import { BACKENDS, BACKEND_ORDER, type BackendInfo, type BackendName, type WasmOptions } from './backend.types.ts';
import { loadBlas, type BlasOptions } from './blas.backend.ts';
import { loadNative } from './native.backend.ts';
import { loadWasm } from './wasm.backend.ts';

let active: BackendInfo | null = null;

/** The backend `train()` will use; null until `selectBackend` has run. */
export function activeBackend(): BackendInfo | null {
  return active;
}

/** Per-backend options; each only matters on that backend's first load in a process. */
export interface BackendOptions extends WasmOptions {
  blas?: BlasOptions;
}

async function load(name: BackendName, wasm: BackendOptions): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
      return loadNative(true);
    case 'tensorflow':
      return loadNative(false);
    case 'blas':
      return loadBlas(wasm.blas, wasm);
    case 'wasm':
      return loadWasm(wasm);
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return tf.version['tfjs-backend-cpu'] ?? tf.version_core;
    case 'noop':
      return 'noop';
  }
}

/**
 * Picks the tfjs backend for this process: `preferred` if given (failing with
 * BackendUnavailableError naming it), otherwise the first of tensorflow-gpu, tensorflow, blas,
 * wasm, cpu that loads (blas only where its addon was built). Also turns on tfjs prod mode:
 * it skips per-op debug checks (we check the loss ourselves) and silences the "install
 * tfjs-node" banner.
 */
export async function selectBackend(preferred?: string, wasm: BackendOptions = {}): Promise<BackendInfo> {
  tf.enableProdMode();
  if (preferred !== undefined) {
    if (!(BACKENDS as readonly string[]).includes(preferred)) {
      throw new BackendUnavailableError(preferred, `unknown backend; expected one of ${BACKENDS.join(', ')}`);
    }
    const name = preferred as BackendName;
    if (active?.name === name) return active;
    try {
      active = { name, version: await load(name, wasm) };
      return active;
    } catch (err) {
      throw new BackendUnavailableError(name, (err as Error).message);
    }
  }
  const reasons: string[] = [];
  for (const name of BACKEND_ORDER) {
    try {
      active = { name, version: await load(name, wasm) };
      return active;
    } catch (err) {
      reasons.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new BackendUnavailableError('any', reasons.join('; '));
}
