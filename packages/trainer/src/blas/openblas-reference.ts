import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { BlasAddon } from './blas-addon.ts';

/**
 * OpenBLAS's cblas_sgemm behind the addon's sgemm signature (`native/openblas-reference/`),
 * built only where OpenBLAS's headers are installed. Training never uses it: the sgemm
 * benchmark measures the built-in kernels against it in the same run, and the sgemm tests run
 * on it too, so both implementations answer the same checks.
 */
export type OpenblasReference = Pick<BlasAddon, 'sgemm' | 'sgemmBatch' | 'kernels'>;

export const OPENBLAS_REFERENCE_PATH = fileURLToPath(
  new URL('../../native/openblas-reference/build/Release/lrsweep_openblas_reference.node', import.meta.url),
);

/**
 * OpenBLAS picks its kernels from the CPU model at library load, and 0.3.21 (Debian 12) does
 * not know recent CPUs: on this dev container it fell back to 'Prescott' SSE3 kernels, 21
 * GFLOP/s instead of 142 with the AVX-512 'SkylakeX' ones. A fair reference uses its best
 * kernels, so, unless the user already set OPENBLAS_CORETYPE (OpenBLAS's own knob), name the
 * best family the CPU flags allow. Builds without DYNAMIC_ARCH ignore it.
 */
export function openblasCoreType(cpuFlags: ReadonlySet<string>): string | null {
  if (['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'].every((f) => cpuFlags.has(f))) return 'SkylakeX';
  if (cpuFlags.has('avx2') && cpuFlags.has('fma')) return 'Haswell';
  if (cpuFlags.has('avx')) return 'Sandybridge';
  return null;
}

function cpuFlags(): Set<string> {
  if (process.arch !== 'x64' || !existsSync('/proc/cpuinfo')) return new Set();
  const line = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
  return new Set(line.trim().split(/\s+/));
}

/** The reference addon with OpenBLAS's best kernels for this CPU, single-threaded; null where it was not built. */
export function loadOpenblasReference(path: string = OPENBLAS_REFERENCE_PATH): OpenblasReference | null {
  if (!existsSync(path)) return null;
  // Must be in the environment before the addon loads libopenblas.
  if (process.env.OPENBLAS_CORETYPE === undefined) {
    const core = openblasCoreType(cpuFlags());
    if (core) process.env.OPENBLAS_CORETYPE = core;
  }
  return createRequire(import.meta.url)(path) as OpenblasReference;
}
