import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/model.types.ts';

/** Mean softmax cross-entropy with one-hot targets: torch's nn.CrossEntropyLoss(). */
export function crossEntropy(logits: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

// Chunked so a large val set never materialises one huge activation tensor.
const EVAL_CHUNK = 1024;

/** Mean cross-entropy and accuracy of `model` on (x, y), read back to JS. */
export async function evaluate(model: Model, x: tf.Tensor2D, y: tf.Tensor2D): Promise<{ loss: number; acc: number }> {
  const n = x.shape[0];
  const totals = tf.tidy(() => {
    let lossSum: tf.Tensor = tf.scalar(0);
    let correct: tf.Tensor = tf.scalar(0);
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const xb = tf.slice(x, [start, 0], [size, -1]);
      const yb = tf.slice(y, [start, 0], [size, -1]);
      const logits = model.forward(xb);
      lossSum = tf.add(lossSum, tf.mul(crossEntropy(logits, yb), size));
      const hits = tf.equal(tf.argMax(logits, 1), tf.argMax(yb, 1));
      correct = tf.add(correct, tf.sum(tf.cast(hits, 'float32')));
    }
    return tf.stack([lossSum, correct]);
  });
  const [lossSum, correct] = await totals.data();
  totals.dispose();
  return { loss: lossSum! / n, acc: correct! / n };
}
