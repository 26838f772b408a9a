import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmOptions } from './backend.types.ts';

/**
 * In Node the wasm backend cannot fetch its .wasm files from a URL; it reads them with fs
 * when the prefix is a plain directory path ending in '/'. We point it at the package's dist.
 */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

let configured = false;

export async function loadWasm(options: WasmOptions = {}): Promise<string> {
  if (!configured) {
    setWasmPaths(wasmDir());
    if (options.threads !== undefined) setThreadsCount(options.threads);
    configured = true;
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  return version_wasm;
}
