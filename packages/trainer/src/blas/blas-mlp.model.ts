import { blas } from './blas-addon.ts';

/**
 * The MLP of `models/mlp.model.ts` on plain Float32Arrays: the same parameter list, order and
 * layout (`[W0 [in, out] row-major, b0, W1, b1, ...]`), the same init draws, and a
 * hand-written backward pass whose three products per layer are the addon's sgemms.
 */
export interface BlasMlp {
  /** Layer widths: features, ...hidden, classes. */
  readonly sizes: readonly number[];
  readonly params: Float32Array[];
}

/**
 * torch's nn.Linear default init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn weight then bias
 * per layer: the draw order of `models/init.ts`, so a seed gives bit-identical weights on
 * every backend (the agreement test checks it).
 */
export function createBlasMlp(features: number, hidden: readonly number[], classes: number, rand: () => number): BlasMlp {
  const sizes = [features, ...hidden, classes];
  const params: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const bound = 1 / Math.sqrt(fanIn);
    for (const size of [fanIn * sizes[l + 1]!, sizes[l + 1]!]) {
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = (rand() * 2 - 1) * bound;
      params.push(values);
    }
  }
  return { sizes, params };
}

/** Activation and gradient buffers for up to `maxRows` rows, allocated once per trial. */
export class MlpWorkspace {
  /** acts[l + 1] is layer l's output (ReLU'd except the last); the input is read where it lies. */
  readonly acts: Float32Array[];
  /** deltas[l] is dLoss/d(acts[l]), then masked by ReLU' in place; nothing needs deltas[0]. */
  readonly deltas: Float32Array[];
  readonly grads: Float32Array[];
  /** A column of ones: bias gradients are `ones^T @ delta`, one sgemm instead of a JS loop. */
  readonly ones: Float32Array;

  constructor(
    readonly net: BlasMlp,
    readonly maxRows: number,
  ) {
    const perLayer = () => net.sizes.map((s, l) => new Float32Array(l === 0 ? 0 : maxRows * s));
    this.acts = perLayer();
    this.deltas = perLayer();
    this.grads = net.params.map((p) => new Float32Array(p.length));
    this.ones = new Float32Array(maxRows).fill(1);
  }
}

/** Logits of `rows` inputs read from `x` (row-major, `rows * features`); a view into the workspace. */
export function forward(ws: MlpWorkspace, x: Float32Array, rows: number): Float32Array {
  const { sizes, params } = ws.net;
  const { sgemm } = blas();
  let input = x;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const out = sizes[l + 1]!;
    const w = params[2 * l]!;
    const b = params[2 * l + 1]!;
    const z = ws.acts[l + 1]!;
    // Bias rows first, then z += input @ W in the same sgemm (beta = 1).
    for (let r = 0; r < rows; r++) z.set(b, r * out);
    sgemm(false, false, rows, out, fanIn, 1, input, fanIn, w, out, 1, z, out);
    if (l + 2 < sizes.length) {
      const n = rows * out;
      for (let i = 0; i < n; i++) if (z[i]! < 0) z[i] = 0; // NaN stays NaN, so divergence shows
    }
    input = z;
  }
  return ws.acts[sizes.length - 1]!.subarray(0, rows * sizes.at(-1)!);
}

/**
 * Mean softmax cross-entropy of `logits` against one-hot `y` (torch's nn.CrossEntropyLoss()),
 * and, when `dLogits` is given, its gradient (softmax - y) / rows. Also counts rows whose
 * first maximal logit is the label (tf.argMax's tie rule).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  y: Float32Array,
  rows: number,
  classes: number,
  dLogits?: Float32Array,
): { loss: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  const scale = 1 / rows;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = logits[o]!;
    let argmax = 0;
    let label = 0;
    for (let c = 1; c < classes; c++) {
      if (logits[o + c]! > max) (max = logits[o + c]!), (argmax = c);
      if (y[o + c]! > y[o + label]!) label = c;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c]! - max);
    const logSum = Math.log(sum);
    for (let c = 0; c < classes; c++) {
      const logP = logits[o + c]! - max - logSum;
      lossSum -= y[o + c]! * logP;
      if (dLogits) dLogits[o + c] = (Math.exp(logP) - y[o + c]!) * scale;
    }
    if (argmax === label) correct++;
  }
  return { loss: lossSum / rows, correct };
}

/**
 * One minibatch: forward, loss, and the gradient of every parameter into `ws.grads` (same
 * order as `params`). `x`/`y` hold exactly `rows` samples. Returns the mean loss.
 */
export function lossAndGrads(ws: MlpWorkspace, x: Float32Array, y: Float32Array, rows: number): number {
  const { sizes, params } = ws.net;
  const { sgemm } = blas();
  const layers = sizes.length - 1;
  const logits = forward(ws, x, rows);
  let delta = ws.deltas[layers]!;
  const { loss } = softmaxCrossEntropy(logits, y, rows, sizes[layers]!, delta);
  for (let l = layers - 1; l >= 0; l--) {
    const fanIn = sizes[l]!;
    const out = sizes[l + 1]!;
    const input = l === 0 ? x : ws.acts[l]!;
    // dW = input^T @ delta ([in, rows] @ [rows, out]); db = column sums of delta.
    sgemm(true, false, fanIn, out, rows, 1, input, fanIn, delta, out, 0, ws.grads[2 * l]!, out);
    sgemm(false, false, 1, out, rows, 1, ws.ones, rows, delta, out, 0, ws.grads[2 * l + 1]!, out);
    if (l === 0) break; // nothing trains the input
    // delta_prev = (delta @ W^T) * relu'(z): a ReLU output is > 0 exactly where its input was.
    const prev = ws.deltas[l]!;
    sgemm(false, true, rows, fanIn, out, 1, delta, out, params[2 * l]!, out, 0, prev, fanIn);
    const n = rows * fanIn;
    for (let i = 0; i < n; i++) if (!(input[i]! > 0)) prev[i] = 0;
    delta = prev;
  }
  return loss;
}
