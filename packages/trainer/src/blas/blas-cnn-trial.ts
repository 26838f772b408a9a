import { TrainerConfigError } from '../errors.ts';
import { DEFAULT_CNN_CHANNELS } from '../models/cnn.model.ts';
import { STREAM, deriveSeed, mulberry32, permutation } from '../rng.ts';
import { decodeFloat32, encodeFloat32 } from '../tensor-codec.ts';
import { runEpochLoop } from '../training/epoch-loop.ts';
import type { Checkpoint, EpochRow, TrialOutcome } from '../training/train.types.ts';
import type { BlasTrialRun } from './blas-trial.ts';
import { createBlasOptimizer } from './blas-optimizer.ts';
import { createPackedCnn } from './packed-cnn.model.ts';

// The CNN's first-layer buffers grow with rows x 676 x channels: a smaller chunk than the
// MLP's 1024 keeps a trial's workspace at a few MB.
const EVAL_CHUNK = 256;

/**
 * `blas-trial.ts` for the CNN: a pack of one of `packed-cnn.model.ts` trained with the same
 * init, data order, optimizer, epoch loop and checkpoint format as the tfjs path (a wasm
 * checkpoint resumes here and back). A stopgap until the packed epoch loop (`blas-pack.ts`)
 * trains packs of any size; callers check `task.model.type === 'cnn'`.
 */
export async function trainBlasCnnTrial(run: BlasTrialRun): Promise<TrialOutcome> {
  const { opts, trialIndex, dataset, scheduler } = run;
  const { task } = opts;
  if (task.model.type !== 'cnn') throw new RangeError(`trainBlasCnnTrial trains cnn models, not '${task.model.type}'`);
  if (!dataset.imageShape) throw new RangeError(`cnn needs an image dataset, '${dataset.name}' is flat`);
  const trial = opts.trials[trialIndex]!;
  const spec = { imageShape: dataset.imageShape, channels: task.model.channels ?? DEFAULT_CNN_CHANNELS, classes: dataset.classes };
  const net = createPackedCnn(spec, 1, mulberry32(deriveSeed(trial.seed, STREAM.init)), Math.max(task.batchSize, EVAL_CHUNK));
  const params = net.params(0);
  const optimizer = createBlasOptimizer(task.optimizer, params.map((p) => p.length));
  if (trial.resume) {
    const path = `/trials/${trialIndex}/resume`;
    restoreWeights(params, trial.resume, path);
    optimizer.setState(trial.resume.optimizerState, `${path}/optimizerState`);
    scheduler.loadStateDict(trial.resume.schedulerState);
  }
  const { train, features, classes } = dataset;
  const xBatch = new Float32Array(task.batchSize * features);
  const yBatch = new Float32Array(task.batchSize * classes);
  const loss = new Float64Array(1);
  const checkpoint = (row: EpochRow): Checkpoint => ({
    format: 1,
    epoch: row.epoch,
    row,
    backend: 'blas',
    weights: params.map(encodeFloat32),
    optimizerState: optimizer.getState(),
    schedulerState: structuredClone(scheduler.stateDict()),
    rng: { algorithm: 'mulberry32', seed: trial.seed },
  });
  return runEpochLoop({
    opts,
    trialIndex,
    scheduler,
    makeCheckpoint: checkpoint,
    async runEpoch(epoch) {
      const lr = scheduler.lrs[0]!;
      const order = permutation(train.size, mulberry32(deriveSeed(trial.seed, STREAM.order, epoch)));
      const losses: number[] = [];
      for (let start = 0; start < train.size; start += task.batchSize) {
        const rows = Math.min(task.batchSize, train.size - start);
        for (let r = 0; r < rows; r++) {
          const src = order[start + r]!;
          xBatch.set(train.x.subarray(src * features, (src + 1) * features), r * features);
          yBatch.set(train.y.subarray(src * classes, (src + 1) * classes), r * classes);
        }
        net.lossAndGrads(xBatch, yBatch, rows, loss);
        losses.push(loss[0]!);
        optimizer.step(params, net.grads(0), { lr: scheduler.lrs[0]!, momentum: scheduler.momentums?.[0] ?? null });
        if (scheduler.interval === 'step') scheduler.step();
      }
      const bad = losses.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) return { diverged: `train loss is ${losses[bad]} at batch ${bad} of epoch ${epoch}` };
      const lossSum = new Float64Array(1);
      const correct = new Float64Array(1);
      const { val } = dataset;
      for (let start = 0; start < val.size; start += EVAL_CHUNK) {
        const rows = Math.min(EVAL_CHUNK, val.size - start);
        net.evaluate(val.x.subarray(start * features), val.y.subarray(start * classes), rows, lossSum, correct);
      }
      const valLoss = lossSum[0]! / val.size;
      if (!Number.isFinite(valLoss)) return { diverged: `val loss is ${valLoss} after epoch ${epoch}` };
      const trainLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
      await Promise.resolve(); // yield once per epoch, as the tfjs path does
      return { row: { epoch, lr, train_loss: trainLoss, val_loss: valLoss, val_acc: correct[0]! / val.size } };
    },
  });
}

function restoreWeights(params: Float32Array[], ckpt: Checkpoint, path: string): void {
  if (ckpt.weights.length !== params.length) {
    throw new TrainerConfigError(`${path}/weights`, `has ${ckpt.weights.length} tensors, the model has ${params.length}`);
  }
  params.forEach((p, i) => {
    const values = decodeFloat32(ckpt.weights[i]!);
    if (values.length !== p.length) throw new TrainerConfigError(`${path}/weights/${i}`, `has ${values.length} values, the model needs ${p.length}`);
    p.set(values);
  });
}
