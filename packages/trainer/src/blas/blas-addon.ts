import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The native addon (`native/src/`): our own sgemm kernels (no BLAS library) and optimizer
 * updates on Float32Arrays, no copies, single-threaded (one worker process per core).
 */
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
   * `sgemmBatch` with A shared (stride 0) and B not transposed, skipping rows: op(B)'s row p is
   * row `rowsOfB[p]` of B's `bRows`; product row i is row `rowsOfC[i]` of C's `cRows`, whose
   * other rows are set to 0 (beta must be 0). Indices increase; null: none. The first layer
   * skips the input columns a batch has no nonzero in (`nonzeroColumns`).
   */
  sgemmRows(
    transA: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number,
    b: Float32Array, ldb: number, bRows: number, strideB: number, rowsOfB: Int32Array | null, beta: number,
    c: Float32Array, ldc: number, cRows: number, strideC: number, rowsOfC: Int32Array | null, count: number,
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
  /** Row r of dst's block t (`rows x cols` blocks, stacked) = row t of `src` (`count x cols`): a trial's biases. */
  broadcastRows(dst: Float32Array, src: Float32Array, rows: number, cols: number, count: number): void;
  /** Row r of `dst` = row `indices[offset + r]` of `src`, for `rows` rows of `cols` floats (a minibatch in its epoch's order). */
  gatherRows(dst: Float32Array, src: Float32Array, indices: Int32Array, offset: number, rows: number, cols: number): void;
  /** x = max(x, 0) in place over the first `length` values; NaN stays NaN. */
  relu(x: Float32Array, length: number): void;
  /** delta = 0 where `act` (a ReLU output) is not > 0, over the first `length` values. */
  reluMask(delta: Float32Array, act: Float32Array, length: number): void;
  /**
   * The columns of `x` (rows x cols) with a nonzero in some row, increasing, into `columns`,
   * and `x` restricted to them (rows x count) into `compact`; returns count.
   */
  nonzeroColumns(x: Float32Array, rows: number, cols: number, columns: Int32Array, compact: Float32Array): number;
  /**
   * For each trial t (`logits` block t of `rows x classes`; the one-hot `y` shared), adds the
   * summed cross-entropy to `lossSum[t]` and the rows whose first maximal logit is the label to
   * `correct[t]`; with `dLogits`, writes (softmax - y) / rows into its block t.
   */
  softmaxCrossEntropy(
    logits: Float32Array, y: Float32Array, rows: number, classes: number, count: number,
    lossSum: Float64Array, correct: Float64Array, dLogits: Float32Array | null,
  ): void;
  /**
   * NHWC patches of a 'valid' stride-1 k x k convolution: `cols` gets one row of k*k*c values
   * (in the `[k, k, c, out]` filters' order) per output position, so the convolution is
   * `cols @ W`. Pixel p's c channels are read at `x[p * ldx ..]` (ldx > c: one trial's channels
   * of a packed layer).
   */
  im2col(x: Float32Array, ldx: number, n: number, h: number, w: number, c: number, k: number, cols: Float32Array): void;
  /** The adjoint of `im2col`: dx's c channels per pixel (ldx apart) zeroed, then every patch value added back onto its pixel. */
  col2im(cols: Float32Array, n: number, h: number, w: number, c: number, k: number, dx: Float32Array, ldx: number): void;
  /**
   * `out` = maxpool2x2(relu(z + bias)) ('valid'), z being n*h*w rows of groups*c channels `ldz`
   * apart; channel group q goes to `out`/`argmax` from q*groupStride on, c channels per pixel
   * (a pack's trials, each into its own slice). `argmax` gets the window element (0-3,
   * row-major) each output came from (first maximum), or -1 where the output is 0.
   */
  biasReluPool(
    z: Float32Array, ldz: number, n: number, h: number, w: number, c: number, bias: Float32Array,
    out: Float32Array, argmax: Int32Array, groups: number, groupStride: number,
  ): void;
  /** Gradient of `biasReluPool`: all of `dz` written (dout at the argmax elements, else 0); `dbias` its column sums. */
  biasReluPoolBackward(
    dout: Float32Array, argmax: Int32Array, n: number, h: number, w: number, c: number, dz: Float32Array,
    ldz: number, dbias: Float32Array, groups: number, groupStride: number,
  ): void;
  /** The sgemm kernels in use, picked from the CPU at load: `avx512`, `avx2` or `portable`. */
  kernels(): string;
  /**
   * Switches to the named kernels; false (no change) when this CPU cannot run them. Tests and
   * the benchmark use it to cover every path on one machine.
   */
  useKernels(name: string): boolean;
}

/** Where `npm run build:native` (run by the root postinstall) leaves the addon. */
export const DEFAULT_ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/lrsweep_blas.node', import.meta.url));

let current: BlasAddon | null = null;

/** Loads the addon at `path` (throws when it is missing) and makes it the one `blas()` returns. */
export function loadBlasAddon(path: string = DEFAULT_ADDON_PATH): BlasAddon {
  if (!existsSync(path)) throw new Error(`the native addon is not built (${path}); run \`npm run build:native\``);
  current = createRequire(import.meta.url)(path) as BlasAddon;
  return current;
}

/** The addon the blas backend loaded; training code calls this, never loads it itself. */
export function blas(): BlasAddon {
  if (!current) throw new Error("the blas addon is not loaded; selectBackend('blas') first");
  return current;
}
