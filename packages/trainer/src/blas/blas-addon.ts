import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The native addon (`native/src/blas.cc`): row-major cblas_sgemm and optimizer updates on Float32Arrays, no copies. */
export interface BlasAddon {
  /** C = alpha * op(A) @ op(B) + beta * C; op(A) is m x k, op(B) is k x n, all row-major. */
  sgemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
  ): void;
  /** `count` sgemms, matrix i of each operand starting `stride` floats after matrix i-1 (packed trials). */
  sgemmBatch(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, lda: number, strideA: number, b: Float32Array, ldb: number, strideB: number,
    beta: number, c: Float32Array, ldc: number, strideC: number, count: number,
  ): void;
  /**
   * torch.optim.SGD's update in place, float32: d = g + wd*p; without momentum p -= lr*d; else
   * buf = first ? d : m*buf + d and p -= lr * (nesterov ? d + m*buf : buf).
   */
  sgdStep(
    p: Float32Array, g: Float32Array, buf: Float32Array, lr: number, momentum: number, weightDecay: number,
    nesterov: boolean, first: boolean,
  ): void;
  /**
   * Adam/AdamW's update in place: g' = g + l2*p, moments from g', then
   * p = p*decay - stepSize * m / (sqrt(v) / biasCorrection2Sqrt + eps).
   */
  adamStep(
    p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, stepSize: number, beta1: number,
    beta2: number, biasCorrection2Sqrt: number, eps: number, decay: number, l2: number,
  ): void;
  setNumThreads(threads: number): void;
  numThreads(): number;
  /** OpenBLAS's build string, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64`. */
  config(): string;
}

/** Where `npm run build:native` (run by the root postinstall) leaves the addon. */
export const DEFAULT_ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/lrsweep_blas.node', import.meta.url));

let current: BlasAddon | null = null;

/**
 * OpenBLAS picks its kernels from the CPU model at library load, and 0.3.21 (Debian 12) does
 * not know recent Xeons: on this dev container it fell back to 'Prescott' SSE3 kernels, 21
 * GFLOP/s instead of 142 with the AVX-512 'SkylakeX' ones. So, unless the user already set
 * OPENBLAS_CORETYPE (OpenBLAS's own knob), name the best family the CPU flags allow. It must
 * be in the environment before the addon loads libopenblas; builds without DYNAMIC_ARCH
 * ignore it.
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

/**
 * Loads the addon at `path` (throws when it is missing or libopenblas cannot be loaded) and
 * makes it the one `blas()` returns. OpenBLAS runs one thread unless OPENBLAS_NUM_THREADS
 * says otherwise (the addon sets that on load: we run one worker process per core).
 */
export function loadBlasAddon(path: string = DEFAULT_ADDON_PATH): BlasAddon {
  if (!existsSync(path)) throw new Error(`the native addon is not built (${path}); run \`npm run build:native\``);
  if (process.env.OPENBLAS_CORETYPE === undefined) {
    const core = openblasCoreType(cpuFlags());
    if (core) process.env.OPENBLAS_CORETYPE = core;
  }
  current = createRequire(import.meta.url)(path) as BlasAddon;
  return current;
}

/** The addon the blas backend loaded; training code calls this, never loads it itself. */
export function blas(): BlasAddon {
  if (!current) throw new Error("the blas addon is not loaded; selectBackend('blas') first");
  return current;
}
