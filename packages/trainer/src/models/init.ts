import * as tf from '@tensorflow/tfjs';

/**
 * PyTorch's default for nn.Linear and nn.Conv2d (kaiming_uniform with a=sqrt(5), and the
 * matching bias rule) reduces to U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for both tensors.
 * Drawn from our PRNG so a trial's seed fixes the initial weights on every backend.
 */
export function uniformFanIn(shape: number[], fanIn: number, rand: () => number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (rand() * 2 - 1) * bound;
  // tidy disposes the temporary tensor; the variable keeps its own reference to the data.
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32')));
}
