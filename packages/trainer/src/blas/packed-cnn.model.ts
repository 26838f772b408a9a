import { blas } from './blas-addon.ts';
import type { PackedNet } from './packed-net.types.ts';

const KERNEL = 3;
/** Floats of the first layer's pre-pool block: 1 MB, about an L2. */
const BLOCK_FLOATS = 1 << 18;

/** The CNN of `models/cnn.model.ts`: conv3x3 'valid' -> ReLU -> maxpool2 per channel entry, then dense. */
export interface PackedCnnSpec {
  /** HWC, e.g. [28, 28, 1]. */
  readonly imageShape: readonly [number, number, number];
  readonly channels: readonly number[];
  readonly classes: number;
}

/** One conv layer's geometry: input h x w x c, output oh x ow x out before the pool, ph x pw after. */
interface ConvGeometry {
  h: number;
  w: number;
  c: number;
  out: number;
  oh: number;
  ow: number;
  ph: number;
  pw: number;
  /** Rows of a patch matrix per sample (oh * ow) and its row length (k * k * c). */
  positions: number;
  fanIn: number;
}

function geometry(spec: PackedCnnSpec): ConvGeometry[] {
  let [h, w, c] = spec.imageShape;
  return spec.channels.map((out) => {
    const oh = h - KERNEL + 1;
    const ow = w - KERNEL + 1;
    const g = { h, w, c, out, oh, ow, ph: Math.floor(oh / 2), pw: Math.floor(ow / 2), positions: oh * ow, fanIn: KERNEL * KERNEL * c };
    [h, w, c] = [g.ph, g.pw, out];
    if (h < 1 || w < 1) throw new RangeError(`too many conv layers (${spec.channels.length}) for a ${spec.imageShape[0]}x${spec.imageShape[1]} image`);
    return g;
  });
}

/**
 * torch's default init, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn weight then bias per layer
 * in the order and row-major layout of `models/cnn.model.ts` (`[k, k, in, out]` filters, then
 * `[flat, classes]`), so a seed gives bit-identical weights on both paths.
 */
function drawParams(convs: readonly ConvGeometry[], classes: number, rand: () => number): Float32Array[] {
  const last = convs.at(-1)!;
  const flat = last.ph * last.pw * last.out;
  const tensors: [number, number][] = [...convs.flatMap((g): [number, number][] => [[g.fanIn * g.out, g.fanIn], [g.out, g.fanIn]]), [flat * classes, flat], [classes, flat]];
  return tensors.map(([size, fanIn]) => {
    const bound = 1 / Math.sqrt(fanIn);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = (rand() * 2 - 1) * bound;
    return values;
  });
}

/**
 * `trials` copies of the CNN drawn from one `rand` (a pack shares its seed), as a PackedNet on
 * the addon's kernels; `maxRows` bounds the rows of any one call. The first layer of all trials
 * runs as one: one product over the shared input's patches, `cols @ [W_0 | W_1 | ...]`, then
 * one bias+ReLU+pool call over all their channels, which leaves each trial's pooled output
 * contiguous (and so backward: one pool-gradient call, one `cols^T @ dZ` product). The layers
 * after it differ per trial and run trial by trial through one set of buffers (a trial's
 * forward and backward end before the next starts).
 */
export function createPackedCnn(spec: PackedCnnSpec, trials: number, rand: () => number, maxRows: number): PackedNet {
  const convs = geometry(spec);
  const first = convs[0]!;
  const last = convs.at(-1)!;
  const L = convs.length;
  const flat = last.ph * last.pw * last.out;
  const { classes } = spec;
  const init = drawParams(convs, classes, rand);
  const params = Array.from({ length: trials }, () => init.map((p) => p.slice()));
  const grads = Array.from({ length: trials }, () => init.map((p) => new Float32Array(p.length)));
  let size = trials;
  /** Row length of the first layer's wide matrices: every trial's channels side by side. */
  const wideOf = () => size * first.out;

  // The first layer, all trials: filters and biases gathered as [fanIn, wide] and [wide].
  const wide = trials * first.out;
  const cols0 = new Float32Array(maxRows * first.positions * first.fanIn);
  // The first layer's pre-pool values exist a block of samples at a time, sized to stay in
  // cache between the product that writes them and the pool pass that reads them (for a pack
  // of 12 the whole batch's would be 17 MB, written and read twice a step).
  const block = Math.min(maxRows, Math.max(1, Math.floor(BLOCK_FLOATS / (first.positions * wide))));
  const z0 = new Float32Array(block * first.positions * wide);
  const dz0 = new Float32Array(z0.length);
  const db0Block = new Float32Array(wide);
  const w0 = new Float32Array(first.fanIn * wide);
  const dw0 = new Float32Array(w0.length);
  const b0 = new Float32Array(wide);
  const db0 = new Float32Array(wide);
  // Pooled outputs per layer: the first layer's hold every trial's, one after another
  // (trial k's from k * slot on, as the trial's own layers read them), the rest one trial's.
  const slot = maxRows * first.ph * first.pw * first.out;
  const pooled = convs.map((g, l) => new Float32Array(l === 0 ? trials * slot : maxRows * g.ph * g.pw * g.out));
  const dPooled = pooled.map((p) => new Float32Array(p.length));
  const argmax = pooled.map((p) => new Int32Array(p.length));
  const cols = convs.map((g, l) => new Float32Array(l === 0 ? 0 : maxRows * g.positions * g.fanIn));
  const dCols = cols.map((c) => new Float32Array(c.length));
  const z = convs.map((g, l) => new Float32Array(l === 0 ? 0 : maxRows * g.positions * g.out));
  const dz = z.map((v) => new Float32Array(v.length));
  const logits = new Float32Array(maxRows * classes);
  const dLogits = new Float32Array(logits.length);
  const ones = new Float32Array(maxRows).fill(1);
  const pooledPerSample = first.ph * first.pw * first.out;

  const checkRows = (rows: number) => {
    if (!(rows >= 1 && rows <= maxRows)) throw new RangeError(`rows must be 1..${maxRows}, got ${rows}`);
  };

  /** The first layer of every trial: patches of the shared input, one product, one pool pass. */
  function firstLayer(x: Float32Array, rows: number): void {
    const { biasReluPool, im2col, sgemm } = blas();
    const [h, w, c] = spec.imageShape;
    const ld = wideOf();
    im2col(x, c, rows, h, w, c, KERNEL, cols0);
    for (let k = 0; k < size; k++) {
      const wk = params[k]![0]!;
      for (let r = 0; r < first.fanIn; r++) w0.set(wk.subarray(r * first.out, (r + 1) * first.out), r * ld + k * first.out);
      b0.set(params[k]![1]!, k * first.out);
    }
    for (let s0 = 0; s0 < rows; s0 += block) {
      const nb = Math.min(block, rows - s0);
      const patches = cols0.subarray(s0 * first.positions * first.fanIn);
      sgemm(false, false, nb * first.positions, ld, first.fanIn, 1, patches, first.fanIn, w0, ld, 0, z0, ld);
      const at = s0 * pooledPerSample;
      biasReluPool(z0, ld, nb, first.oh, first.ow, first.out, b0, pooled[0]!.subarray(at), argmax[0]!.subarray(at), size, slot);
    }
  }

  /** Trial k's logits, from its slice of the first layer's pooled output on. */
  function trialForward(k: number, rows: number): Float32Array {
    const { biasReluPool, im2col, sgemm } = blas();
    const p = params[k]!;
    let input = pooled[0]!.subarray(k * slot);
    for (let l = 1; l < L; l++) {
      const g = convs[l]!;
      im2col(input, g.c, rows, g.h, g.w, g.c, KERNEL, cols[l]!);
      sgemm(false, false, rows * g.positions, g.out, g.fanIn, 1, cols[l]!, g.fanIn, p[2 * l]!, g.out, 0, z[l]!, g.out);
      biasReluPool(z[l]!, g.out, rows, g.oh, g.ow, g.out, p[2 * l + 1]!, pooled[l]!, argmax[l]!, 1, 0);
      input = pooled[l]!;
    }
    const bias = p[2 * L + 1]!;
    for (let r = 0; r < rows; r++) logits.set(bias, r * classes);
    sgemm(false, false, rows, classes, flat, 1, input, flat, p[2 * L]!, classes, 1, logits, classes);
    return logits.subarray(0, rows * classes);
  }

  /** Trial k's gradients from dLogits down to its slice of the first layer's pool gradient. */
  function trialBackward(k: number, rows: number): void {
    const { biasReluPoolBackward, col2im, sgemm } = blas();
    const p = params[k]!;
    const gr = grads[k]!;
    const a = L === 1 ? pooled[0]!.subarray(k * slot) : pooled[L - 1]!;
    const da = L === 1 ? dPooled[0]!.subarray(k * slot) : dPooled[L - 1]!;
    sgemm(true, false, flat, classes, rows, 1, a, flat, dLogits, classes, 0, gr[2 * L]!, classes);
    sgemm(false, false, 1, classes, rows, 1, ones, rows, dLogits, classes, 0, gr[2 * L + 1]!, classes);
    sgemm(false, true, rows, flat, classes, 1, dLogits, classes, p[2 * L]!, classes, 0, da, flat);
    for (let l = L - 1; l >= 1; l--) {
      const g = convs[l]!;
      biasReluPoolBackward(dPooled[l]!, argmax[l]!, rows, g.oh, g.ow, g.out, dz[l]!, g.out, gr[2 * l + 1]!, 1, 0);
      sgemm(true, false, g.fanIn, g.out, rows * g.positions, 1, cols[l]!, g.fanIn, dz[l]!, g.out, 0, gr[2 * l]!, g.out);
      sgemm(false, true, rows * g.positions, g.fanIn, g.out, 1, dz[l]!, g.out, p[2 * l]!, g.out, 0, dCols[l]!, g.fanIn);
      col2im(dCols[l]!, rows, g.h, g.w, g.c, KERNEL, l === 1 ? dPooled[0]!.subarray(k * slot) : dPooled[l - 1]!, g.c);
    }
  }

  /** The first layer's gradients of every trial: one pool-gradient pass, one product, scattered per trial. */
  function firstLayerBackward(rows: number): void {
    const { biasReluPoolBackward, sgemm } = blas();
    const ld = wideOf();
    for (let s0 = 0; s0 < rows; s0 += block) {
      const nb = Math.min(block, rows - s0);
      const at = s0 * pooledPerSample;
      biasReluPoolBackward(dPooled[0]!.subarray(at), argmax[0]!.subarray(at), nb, first.oh, first.ow, first.out, dz0, ld, db0Block, size, slot);
      const patches = cols0.subarray(s0 * first.positions * first.fanIn);
      // dW0 (and db0) accumulate over the blocks: beta = 0 for the first.
      sgemm(true, false, first.fanIn, ld, nb * first.positions, 1, patches, first.fanIn, dz0, ld, s0 === 0 ? 0 : 1, dw0, ld);
      for (let c = 0; c < ld; c++) db0[c] = (s0 === 0 ? 0 : db0[c]!) + db0Block[c]!;
    }
    for (let k = 0; k < size; k++) {
      const gk = grads[k]!;
      for (let r = 0; r < first.fanIn; r++) gk[0]!.set(dw0.subarray(r * ld + k * first.out, r * ld + (k + 1) * first.out), r * first.out);
      gk[1]!.set(db0.subarray(k * first.out, (k + 1) * first.out));
    }
  }

  // The addon's pack-wide softmax cross-entropy, for the one trial whose logits the later layers just made.
  const ceSum = new Float64Array(1);
  const ceCorrect = new Float64Array(1);
  const crossEntropy = (logits: Float32Array, y: Float32Array, rows: number, d: Float32Array | null) => {
    ceSum[0] = 0;
    ceCorrect[0] = 0;
    blas().softmaxCrossEntropy(logits, y, rows, classes, 1, ceSum, ceCorrect, d);
    return { sum: ceSum[0]!, correct: ceCorrect[0]! };
  };
  return {
    get size() {
      return size;
    },
    params: (k) => params[k]!,
    grads: (k) => grads[k]!,
    lossAndGrads(x, y, rows, losses) {
      checkRows(rows);
      firstLayer(x, rows);
      for (let k = 0; k < size; k++) {
        losses[k] = crossEntropy(trialForward(k, rows), y, rows, dLogits).sum / rows;
        trialBackward(k, rows);
      }
      firstLayerBackward(rows);
    },
    evaluate(x, y, rows, lossSum, correct) {
      checkRows(rows);
      firstLayer(x, rows);
      for (let k = 0; k < size; k++) {
        const chunk = crossEntropy(trialForward(k, rows), y, rows, null);
        lossSum[k] = lossSum[k]! + chunk.sum;
        correct[k] = correct[k]! + chunk.correct;
      }
    },
    remove(k) {
      if (!(k >= 0 && k < size)) throw new RangeError(`no trial ${k} in a pack of ${size}`);
      params.splice(k, 1);
      grads.splice(k, 1);
      size--;
    },
  };
}
