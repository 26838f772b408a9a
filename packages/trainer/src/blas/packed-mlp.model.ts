import { blas } from './blas-addon.ts';
import type { PackedNet } from './packed-net.types.ts';

// Below this fraction of nonzero input columns the first layer skips the zero ones; above it
// the gather costs more than the products save.
const SPARSE_BELOW = 0.9;

/**
 * The MLP of `models/mlp.model.ts` for `n` trials that share a seed, on plain Float32Arrays.
 *
 * Layout: each layer's weights of all trials lie in one array, trial k's `[in, out]` row-major
 * block at `k * in * out` (its biases likewise at `k * out`), so `params(k)` are contiguous
 * views in the tfjs order `[W0, b0, W1, b1, ...]`. Activations and deltas are stacked the same
 * way: trial k's `rows x width` block at `k * rows * width`. Every product of a layer is then
 * ONE addon call over all trials: the first layer's forward (`X @ W_k`) and weight gradient
 * (`X^T @ dZ_k`) read the shared input batch, which the addon packs once for the whole batch
 * (`sgemmRows`, over the batch's nonzero columns only, or `sgemmBatch` with stride 0); deeper
 * layers read each trial's own activations (`sgemmBatch`, stride `rows * in`).
 */
export function createPackedMlp(features: number, hidden: readonly number[], classes: number, rand: () => number, n: number): PackedNet {
  return new PackedMlp([features, ...hidden, classes], rand, n);
}

class PackedMlp implements PackedNet {
  size: number;
  /** Trials the arrays were allocated for; `size` only shrinks below it. */
  private readonly capacity: number;
  private readonly layers: number;
  /** Per layer: weights and biases of all trials, trial-major. */
  private readonly w: Float32Array[];
  private readonly b: Float32Array[];
  private readonly gw: Float32Array[];
  private readonly gb: Float32Array[];
  private paramViews: Float32Array[][] = [];
  private gradViews: Float32Array[][] = [];
  /** acts[l] is layer l-1's output (acts[0] unused: the input is read where it lies); deltas alike. */
  private acts: Float32Array[] = [];
  private deltas: Float32Array[] = [];
  /** Per-trial loss sums and correct counts of a training batch (the counts are not used). */
  private readonly lossSums: Float64Array;
  private readonly correct: Float64Array;
  /** A column of ones: bias gradients are `ones^T @ dZ`, one batched product. */
  private ones = new Float32Array(0);
  private capacityRows = 0;
  /**
   * The input batch's columns with a nonzero in some row (`columns[0 .. nonzero)`) and the batch
   * restricted to them: the first layer's products skip the others (MNIST's border pixels, about
   * a third of a batch of 64's columns). `nonzero` is -1 when too few are 0 to be worth it.
   */
  private columns: Int32Array;
  private xNonzero = new Float32Array(0);
  private nonzero = -1;

  constructor(
    private readonly sizes: readonly number[],
    rand: () => number,
    n: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`a pack needs at least one trial, got ${n}`);
    this.size = n;
    this.capacity = n;
    this.layers = sizes.length - 1;
    this.w = [];
    this.b = [];
    for (let l = 0; l < this.layers; l++) {
      const [fanIn, out] = [sizes[l]!, sizes[l + 1]!];
      // torch's nn.Linear init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), weight then bias per layer:
      // the draw order of `models/init.ts`, drawn once and copied to every trial.
      const bound = 1 / Math.sqrt(fanIn);
      const draw = (count: number) => Float32Array.from({ length: count }, () => (rand() * 2 - 1) * bound);
      this.w.push(tile(draw(fanIn * out), n));
      this.b.push(tile(draw(out), n));
    }
    this.columns = new Int32Array(sizes[0]!);
    this.lossSums = new Float64Array(n);
    this.correct = new Float64Array(n);
    this.gw = this.w.map((a) => new Float32Array(a.length));
    this.gb = this.b.map((a) => new Float32Array(a.length));
    this.makeViews();
  }

  params(k: number): Float32Array[] {
    return this.view(this.paramViews, k);
  }

  grads(k: number): Float32Array[] {
    return this.view(this.gradViews, k);
  }

  lossAndGrads(x: Float32Array, y: Float32Array, rows: number, losses: Float64Array): void {
    const { sgemmBatch, sgemmRows, softmaxCrossEntropy, reluMask } = blas();
    const { sizes, layers, size: n } = this;
    this.forward(x, rows);
    this.lossSums.fill(0);
    softmaxCrossEntropy(this.acts[layers]!, y, rows, sizes[layers]!, n, this.lossSums, this.correct, this.deltas[layers]!);
    for (let k = 0; k < n; k++) losses[k] = this.lossSums[k]! / rows;
    for (let l = layers - 1; l >= 0; l--) {
      const [fanIn, out] = [sizes[l]!, sizes[l + 1]!];
      const delta = this.deltas[l + 1]!;
      const [input, inStride] = l === 0 ? [x, 0] : [this.acts[l]!, rows * fanIn];
      // dW_k = input_k^T @ dZ_k; db_k = ones^T @ dZ_k. The rows of dW for input columns that are
      // 0 in the whole batch are 0: only the others are computed.
      const nz = l === 0 ? this.nonzero : -1;
      if (nz >= 0) {
        sgemmRows(true, nz, out, rows, 1, this.xNonzero, Math.max(nz, 1), delta, out, rows, rows * out, null, 0, this.gw[0]!, out, fanIn, fanIn * out, this.columns, n);
      } else {
        sgemmBatch(true, false, fanIn, out, rows, 1, input, fanIn, inStride, delta, out, rows * out, 0, this.gw[l]!, out, fanIn * out, n);
      }
      sgemmBatch(false, false, 1, out, rows, 1, this.ones, rows, 0, delta, out, rows * out, 0, this.gb[l]!, out, out, n);
      if (l === 0) break; // nothing trains the input
      // dX_k = (dZ_k @ W_k^T) * relu'(z).
      const prev = this.deltas[l]!;
      sgemmBatch(false, true, rows, fanIn, out, 1, delta, out, rows * out, this.w[l]!, out, fanIn * out, 0, prev, fanIn, rows * fanIn, n);
      reluMask(prev, this.acts[l]!, n * rows * fanIn);
    }
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number, lossSum: Float64Array, correct: Float64Array): void {
    this.forward(x, rows);
    blas().softmaxCrossEntropy(this.acts[this.layers]!, y, rows, this.sizes[this.layers]!, this.size, lossSum, correct, null);
  }

  remove(k: number): void {
    if (!(k >= 0 && k < this.size)) throw new RangeError(`no trial ${k} in a pack of ${this.size}`);
    // Shift the later trials' blocks down one: the products keep running over `size` blocks.
    for (const arrays of [this.w, this.b, this.gw, this.gb]) {
      for (const a of arrays) {
        const per = a.length / this.capacity;
        a.copyWithin(k * per, (k + 1) * per, this.size * per);
      }
    }
    this.size--;
    this.makeViews();
  }

  /** Logits of every trial into acts[layers], trial k's at `k * rows * classes`. */
  private forward(x: Float32Array, rows: number): void {
    const { sgemmBatch, sgemmRows, broadcastRows, relu, nonzeroColumns } = blas();
    const { sizes, layers, size: n } = this;
    this.ensureRows(rows);
    for (let l = 0; l < layers; l++) {
      const [fanIn, out] = [sizes[l]!, sizes[l + 1]!];
      const [input, inStride] = l === 0 ? [x, 0] : [this.acts[l]!, rows * fanIn];
      const z = this.acts[l + 1]!;
      // Bias rows first, then z_k += input_k @ W_k for all trials in one call (beta = 1).
      broadcastRows(z, this.b[l]!, rows, out, n);
      if (l === 0) {
        const nz = nonzeroColumns(x, rows, fanIn, this.columns, this.xNonzero);
        this.nonzero = nz <= SPARSE_BELOW * fanIn ? nz : -1;
      }
      if (l === 0 && this.nonzero >= 0) {
        // Only the batch's nonzero columns and the weight rows they meet.
        const nz = this.nonzero;
        sgemmRows(false, rows, out, nz, 1, this.xNonzero, Math.max(nz, 1), this.w[0]!, out, fanIn, fanIn * out, this.columns, 1, z, out, rows, rows * out, null, n);
      } else {
        sgemmBatch(false, false, rows, out, fanIn, 1, input, fanIn, inStride, this.w[l]!, out, fanIn * out, 1, z, out, rows * out, n);
      }
      if (l + 1 < layers) relu(z, n * rows * out);
    }
  }

  /** Activation and delta buffers for `rows` rows of every trial, grown on demand and kept. */
  private ensureRows(rows: number): void {
    if (rows <= this.capacityRows) return;
    const n = this.capacity;
    const perLayer = () => this.sizes.map((s, l) => new Float32Array(l === 0 ? 0 : n * rows * s));
    this.acts = perLayer();
    this.deltas = perLayer();
    this.ones = new Float32Array(rows).fill(1);
    this.xNonzero = new Float32Array(rows * this.sizes[0]!);
    this.capacityRows = rows;
  }

  private view(views: Float32Array[][], k: number): Float32Array[] {
    if (!(k >= 0 && k < this.size)) throw new RangeError(`no trial ${k} in a pack of ${this.size}`);
    return views[k]!;
  }

  private makeViews(): void {
    const slice = (ws: Float32Array[], bs: Float32Array[], k: number) =>
      ws.flatMap((w, l) => {
        const [wn, bn] = [w.length / this.capacity, bs[l]!.length / this.capacity];
        return [w.subarray(k * wn, (k + 1) * wn), bs[l]!.subarray(k * bn, (k + 1) * bn)];
      });
    this.paramViews = Array.from({ length: this.size }, (_, k) => slice(this.w, this.b, k));
    this.gradViews = Array.from({ length: this.size }, (_, k) => slice(this.gw, this.gb, k));
  }
}

/** `n` copies of `block`, back to back. */
function tile(block: Float32Array, n: number): Float32Array {
  const out = new Float32Array(block.length * n);
  for (let k = 0; k < n; k++) out.set(block, k * block.length);
  return out;
}
