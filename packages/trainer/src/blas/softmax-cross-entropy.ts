/**
 * Mean softmax cross-entropy of `rows` logits against one-hot `y` (torch's
 * nn.CrossEntropyLoss()), and, when `dLogits` is given, its gradient (softmax - y) / rows.
 * Also counts rows whose first maximal logit is the label (tf.argMax's tie rule). Reads and
 * writes from offset 0 of each array, so callers pass a trial's block as a subarray.
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  y: Float32Array,
  rows: number,
  classes: number,
  dLogits?: Float32Array,
): { lossSum: number; correct: number } {
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
  return { lossSum, correct };
}
