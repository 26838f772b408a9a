import type { Dataset } from '../datasets/dataset.types.ts';
import { TrainerConfigError } from '../errors.ts';
import { STREAM, deriveSeed, mulberry32, permutation } from '../rng.ts';
import { runEpochLoop } from '../training/epoch-loop.ts';
import type { Scheduler } from '../training/scheduler.types.ts';
import type { Checkpoint, EpochRow, TrainOptions, TrialOutcome } from '../training/train.types.ts';
import { MlpWorkspace, createBlasMlp, forward, lossAndGrads, softmaxCrossEntropy, type BlasMlp } from './blas-mlp.model.ts';
import { createBlasOptimizer, type BlasOptimizer } from './blas-optimizer.ts';

// Chunked like `training/loss.ts`, so the workspace never grows with the val set.
const EVAL_CHUNK = 1024;

export interface BlasTrialRun {
  opts: TrainOptions;
  trialIndex: number;
  dataset: Dataset;
  scheduler: Scheduler;
}

/**
 * `training/train-trial.ts` for MLPs on the blas backend: the same init, data order, loss,
 * optimizer semantics, epoch loop and checkpoint format, with native sgemm products and JS loops
 * instead of tfjs ops (no tensors, no tape). Callers check `task.model.type === 'mlp'`.
 */
export async function trainBlasTrial(run: BlasTrialRun): Promise<TrialOutcome> {
  const { opts, trialIndex, dataset, scheduler } = run;
  const { task } = opts;
  if (task.model.type !== 'mlp') throw new RangeError(`the blas path trains mlp models, not '${task.model.type}'`);
  const trial = opts.trials[trialIndex]!;
  const net = createBlasMlp(dataset.features, task.model.hidden, dataset.classes, mulberry32(deriveSeed(trial.seed, STREAM.init)));
  const optimizer = createBlasOptimizer(task.optimizer, net.params.map((p) => p.length));
  const ws = new MlpWorkspace(net, Math.max(task.batchSize, EVAL_CHUNK));
  if (trial.resume) restore(net, optimizer, scheduler, trial.resume, `/trials/${trialIndex}/resume`);
  const { train, features, classes } = dataset;
  const xBatch = new Float32Array(task.batchSize * features);
  const yBatch = new Float32Array(task.batchSize * classes);
  const checkpoint = (row: EpochRow): Checkpoint => ({
    format: 2,
    epoch: row.epoch,
    row,
    backend: 'blas',
    // Copies: training updates the params in place.
    weights: net.params.map((p) => p.slice()),
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
      // Order depends only on (seed, epoch), exactly as on the tfjs path.
      const order = permutation(train.size, mulberry32(deriveSeed(trial.seed, STREAM.order, epoch)));
      const losses: number[] = [];
      for (let start = 0; start < train.size; start += task.batchSize) {
        const rows = Math.min(task.batchSize, train.size - start);
        for (let r = 0; r < rows; r++) {
          const src = order[start + r]!;
          xBatch.set(train.x.subarray(src * features, (src + 1) * features), r * features);
          yBatch.set(train.y.subarray(src * classes, (src + 1) * classes), r * classes);
        }
        losses.push(lossAndGrads(ws, xBatch, yBatch, rows));
        optimizer.step(net.params, ws.grads, { lr: scheduler.lrs[0]!, momentum: scheduler.momentums?.[0] ?? null });
        if (scheduler.interval === 'step') scheduler.step();
      }
      const bad = losses.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) return { diverged: `train loss is ${losses[bad]} at batch ${bad} of epoch ${epoch}` };
      const val = evaluate(ws, dataset);
      if (!Number.isFinite(val.loss)) return { diverged: `val loss is ${val.loss} after epoch ${epoch}` };
      const trainLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
      // Yield once per epoch, as the tfjs path does when it awaits its loss read-back.
      await Promise.resolve();
      return { row: { epoch, lr, train_loss: trainLoss, val_loss: val.loss, val_acc: val.acc } };
    },
  });
}

/** Mean cross-entropy and accuracy on the val split, read straight from the dataset's arrays. */
function evaluate(ws: MlpWorkspace, d: Dataset): { loss: number; acc: number } {
  const { size, x, y } = d.val;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < size; start += EVAL_CHUNK) {
    const rows = Math.min(EVAL_CHUNK, size - start);
    const logits = forward(ws, x.subarray(start * d.features), rows);
    const chunk = softmaxCrossEntropy(logits, y.subarray(start * d.classes), rows, d.classes);
    lossSum += chunk.loss * rows;
    correct += chunk.correct;
  }
  return { loss: lossSum / size, acc: correct / size };
}

/** Weights, optimizer slots and scheduler state from a checkpoint of either path. */
function restore(net: BlasMlp, optimizer: BlasOptimizer, scheduler: Scheduler, ckpt: Checkpoint, path: string): void {
  if (ckpt.weights.length !== net.params.length) {
    throw new TrainerConfigError(`${path}/weights`, `has ${ckpt.weights.length} tensors, the model has ${net.params.length}`);
  }
  net.params.forEach((p, i) => {
    const values = ckpt.weights[i]!;
    if (values.length !== p.length) {
      throw new TrainerConfigError(`${path}/weights/${i}`, `has ${values.length} values, the model needs ${p.length}`);
    }
    p.set(values);
  });
  optimizer.setState(ckpt.optimizerState, `${path}/optimizerState`);
  scheduler.loadStateDict(ckpt.schedulerState);
}
