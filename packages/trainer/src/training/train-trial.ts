import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../datasets/dataset.types.ts';
import { createModel } from '../models/create-model.ts';
import { createOptimizer } from '../optimizers/create-optimizer.ts';
import { STREAM, deriveSeed, mulberry32, permutation } from '../rng.ts';
import { makeCheckpoint, restoreCheckpoint, type TrialState } from './checkpoint.ts';
import type { DataTensors } from './data-tensors.ts';
import { runEpochLoop } from './epoch-loop.ts';
import { crossEntropy, evaluate } from './loss.ts';
import type { Scheduler } from './scheduler.types.ts';
import type { TrainOptions, TrialOutcome } from './train.types.ts';

export interface TrialRun {
  opts: TrainOptions;
  trialIndex: number;
  dataset: Dataset;
  data: DataTensors;
  scheduler: Scheduler;
  backend: string;
}

/** Trains one trial on the active tfjs backend; all tensors it makes are gone when it returns. */
export async function trainTrial(run: TrialRun): Promise<TrialOutcome> {
  const { opts, trialIndex, dataset, data, scheduler } = run;
  const { task } = opts;
  const trial = opts.trials[trialIndex]!;
  const model = createModel(task.model, dataset, deriveSeed(trial.seed, STREAM.init));
  const optimizer = createOptimizer(task.optimizer, model.params);
  const state: TrialState = { model, optimizer, scheduler, seed: trial.seed, backend: run.backend };
  try {
    if (trial.resume) restoreCheckpoint(state, trial.resume, `/trials/${trialIndex}/resume`);
    const n = dataset.train.size;
    return await runEpochLoop({
      opts,
      trialIndex,
      scheduler,
      makeCheckpoint: (row) => makeCheckpoint(state, row),
      async runEpoch(epoch) {
        const lr = scheduler.lrs[0]!;
        // Order depends only on (seed, epoch): a resumed trial replays the same batches.
        const order = permutation(n, mulberry32(deriveSeed(trial.seed, STREAM.order, epoch)));
        const losses: tf.Scalar[] = [];
        for (let start = 0; start < n; start += task.batchSize) {
          const rows = order.subarray(start, Math.min(start + task.batchSize, n));
          const hp = { lr: scheduler.lrs[0]!, momentum: scheduler.momentums?.[0] ?? null };
          losses.push(
            tf.tidy(() => {
              const { x, y } = data.batch(rows);
              const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x), y), [...model.params]);
              optimizer.step(model.params, model.params.map((p) => grads[p.name]!), hp);
              return value;
            }),
          );
          if (scheduler.interval === 'step') scheduler.step();
        }
        // One read per epoch instead of per batch: a GPU backend would stall on each read.
        const stacked = tf.stack(losses);
        const values = Array.from(await stacked.data());
        stacked.dispose();
        losses.forEach((l) => l.dispose());
        const bad = values.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) return { diverged: `train loss is ${values[bad]} at batch ${bad} of epoch ${epoch}` };
        const val = await evaluate(model, data.valX, data.valY);
        if (!Number.isFinite(val.loss)) return { diverged: `val loss is ${val.loss} after epoch ${epoch}` };
        const trainLoss = values.reduce((a, b) => a + b, 0) / values.length;
        return { row: { epoch, lr, train_loss: trainLoss, val_loss: val.loss, val_acc: val.acc } };
      },
    });
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
