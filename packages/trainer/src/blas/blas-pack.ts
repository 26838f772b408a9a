import type { Dataset } from '../datasets/dataset.types.ts';
import { STREAM, deriveSeed, mulberry32, permutation } from '../rng.ts';
import type { Scheduler } from '../training/scheduler.types.ts';
import type { Checkpoint, EpochRow, TrainOptions, TrialOutcome } from '../training/train.types.ts';
import { makeBlasCheckpoint, restoreBlasCheckpoint, type BlasTrialState } from './blas-checkpoint.ts';
import { blas } from './blas-addon.ts';
import { createBlasOptimizer } from './blas-optimizer.ts';
import { createPackedNet, parametersPerTrial } from './create-packed-net.ts';
import type { PackedNet } from './packed-net.types.ts';

// The most parameters (all trials) one net holds; a bigger group of one seed is split into
// nets that share its data order. Measured on MNIST MLP [128] (~100k parameters a trial):
// 110-116 us of CPU per trial-step in nets of 3 to 12 trials, 186 us in one of 36, whose
// weights, gradients and momentum (43 MB) no longer stay in cache between products.
const NET_PARAMS = 1 << 20;

// Validation rows per forward pass: bounds the workspace (n trials x chunk x width) whatever
// the val set's size.
const EVAL_CHUNK = 512;

export interface BlasPackRun {
  opts: TrainOptions;
  dataset: Dataset;
  /** One per trial of `opts.trials`, in order. */
  schedulers: Scheduler[];
}

/** A trial in a pack: its own schedule, optimizer state and outcome; its weights are views into the net. */
interface Member extends BlasTrialState {
  trialIndex: number;
  last: EpochRow | null;
  /** The epoch being trained: lr at its start, train loss summed over batches, the first non-finite batch, val metrics. */
  lr: number;
  lossSum: number;
  batches: number;
  bad: { batch: number; loss: number } | null;
  valLoss: number;
  valAcc: number;
}

/**
 * Trials that share a seed and a start epoch (all of them, or an even share where they exceed
 * NET_PARAMS): one net, one data order, one step loop.
 */
interface Pack {
  seed: number;
  start: number;
  net: PackedNet;
  /** members[k] is the net's trial k. */
  members: Member[];
}

/**
 * `training/train-trial.ts` for the blas path, for all the call's trials at once: trials that
 * share (seed, start epoch) form one pack (one `PackedNet`, one data order), and the packs step
 * epoch by epoch together. Each trial keeps the semantics it has alone: its own scheduler
 * (lr and momentum/beta1 read every step), optimizer state, rows, checkpoint, stop check and
 * divergence rule; a trial that stops or diverges leaves its pack and the rest go on. A pack of
 * one is a trial trained alone (there is no other path), so a packed trial's rows are those it
 * gets alone, and its checkpoint resumes alone or on tfjs.
 */
export async function trainBlasPacks(run: BlasPackRun): Promise<TrialOutcome[]> {
  const { opts, dataset } = run;
  const { task } = opts;
  const outcomes: TrialOutcome[] = new Array(opts.trials.length);
  const packs = formPacks(run);
  const metric = opts.objectiveMetric ?? 'val_loss';
  const batch = { x: new Float32Array(task.batchSize * dataset.features), y: new Float32Array(task.batchSize * dataset.classes) };
  const firstEpoch = Math.min(...packs.map((p) => p.start));
  for (let epoch = firstEpoch; epoch < task.epochs; epoch++) {
    const reports: { m: Member; row: EpochRow; checkpoint?: Checkpoint }[] = [];
    for (const pack of packs) {
      if (epoch < pack.start) continue;
      leave(pack, (m) => {
        const stop = opts.shouldStop?.(m.trialIndex) ?? false;
        if (stop) outcomes[m.trialIndex] = { status: 'stopped', epoch };
        return stop;
      });
      if (pack.members.length === 0) continue;
      const t0 = performance.now();
      trainEpoch(pack, epoch, run, batch);
      evaluate(pack, dataset);
      const seconds = (performance.now() - t0) / 1000;
      leave(pack, (m) => {
        const reason = divergence(m, epoch);
        if (reason) outcomes[m.trialIndex] = { status: 'diverged', epoch, reason };
        return reason !== null;
      });
      for (const m of pack.members) {
        const row: EpochRow = { epoch, lr: m.lr, train_loss: m.lossSum / m.batches, val_loss: m.valLoss, val_acc: m.valAcc, seconds };
        // ReduceLROnPlateau reads the metric; the other epoch schedulers ignore it.
        if (m.scheduler.interval === 'epoch') m.scheduler.step(row[metric]);
        reports.push({ m, row, checkpoint: opts.checkpoint ? makeBlasCheckpoint(row, m) : undefined });
      }
    }
    // Every trial that finished this epoch reports at once, so the caller can write them together.
    await Promise.all(reports.map(({ m, row, checkpoint }) => opts.onEpoch(m.trialIndex, row, checkpoint)));
    for (const { m, row } of reports) m.last = row;
  }
  for (const pack of packs) {
    for (const m of pack.members) {
      if (!m.last) throw new RangeError('no epoch ran and the checkpoint carried no row');
      outcomes[m.trialIndex] = { status: 'completed', final: m.last };
    }
  }
  return outcomes;
}

/**
 * Groups the trials by (seed, start epoch), in nets of at most NET_PARAMS parameters, and
 * restores the resumed ones into their views.
 */
function formPacks({ opts, dataset, schedulers }: BlasPackRun): Pack[] {
  const groups = new Map<string, number[]>();
  opts.trials.forEach((t, i) => {
    const key = `${t.seed}@${t.resume ? t.resume.epoch + 1 : 0}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const netTrials = Math.max(1, Math.floor(NET_PARAMS / parametersPerTrial(opts.task, dataset)));
  // Split evenly (12 trials in nets of 10 would be 6 + 6, not 10 + 2).
  const nets = [...groups.values()].flatMap((indices) => {
    const size = Math.ceil(indices.length / Math.ceil(indices.length / netTrials));
    return Array.from({ length: Math.ceil(indices.length / size) }, (_, j) => indices.slice(j * size, (j + 1) * size));
  });
  return nets.map((indices) => {
    const first = opts.trials[indices[0]!]!;
    const net = createPackedNet(opts.task, dataset, first.seed, indices.length, Math.max(opts.task.batchSize, EVAL_CHUNK));
    const members = indices.map((trialIndex, k): Member => {
      const params = net.params(k);
      const optimizer = createBlasOptimizer(opts.task.optimizer, params.map((p) => p.length));
      const m: Member = {
        trialIndex, params, optimizer, scheduler: schedulers[trialIndex]!, seed: first.seed,
        last: null, lr: 0, lossSum: 0, batches: 0, bad: null, valLoss: 0, valAcc: 0,
      };
      const resume = opts.trials[trialIndex]!.resume;
      if (resume) {
        restoreBlasCheckpoint(m, resume, `/trials/${trialIndex}/resume`);
        m.last = resume.row;
      }
      return m;
    });
    return { seed: first.seed, start: first.resume ? first.resume.epoch + 1 : 0, net, members };
  });
}

/** One epoch of minibatches for every trial of the pack, in the order drawn from (seed, epoch). */
function trainEpoch(pack: Pack, epoch: number, { opts, dataset }: BlasPackRun, batch: { x: Float32Array; y: Float32Array }): void {
  const { net, members } = pack;
  const { batchSize } = opts.task;
  const { train, features, classes } = dataset;
  for (const m of members) Object.assign(m, { lr: m.scheduler.lrs[0]!, lossSum: 0, batches: 0, bad: null });
  const { gatherRows } = blas();
  const order = permutation(train.size, mulberry32(deriveSeed(pack.seed, STREAM.order, epoch)));
  const losses = new Float64Array(members.length);
  for (let start = 0; start < train.size; start += batchSize) {
    const rows = Math.min(batchSize, train.size - start);
    gatherRows(batch.x, train.x, order, start, rows, features);
    gatherRows(batch.y, train.y, order, start, rows, classes);
    net.lossAndGrads(batch.x, batch.y, rows, losses);
    members.forEach((m, k) => {
      const loss = losses[k]!;
      if (!Number.isFinite(loss) && !m.bad) m.bad = { batch: m.batches, loss };
      m.lossSum += loss;
      m.batches++;
      m.optimizer.step(net.params(k), net.grads(k), { lr: m.scheduler.lrs[0]!, momentum: m.scheduler.momentums?.[0] ?? null });
      if (m.scheduler.interval === 'step') m.scheduler.step();
    });
  }
}

/** Mean cross-entropy and accuracy of every trial of the pack on the val split. */
function evaluate({ net, members }: Pack, d: Dataset): void {
  const { size, x, y } = d.val;
  const lossSum = new Float64Array(members.length);
  const correct = new Float64Array(members.length);
  for (let start = 0; start < size; start += EVAL_CHUNK) {
    const rows = Math.min(EVAL_CHUNK, size - start);
    net.evaluate(x.subarray(start * d.features), y.subarray(start * d.classes), rows, lossSum, correct);
  }
  members.forEach((m, k) => Object.assign(m, { valLoss: lossSum[k]! / size, valAcc: correct[k]! / size }));
}

/** Why the trial's epoch diverged (a non-finite train or val loss), or null. */
function divergence(m: Member, epoch: number): string | null {
  if (m.bad) return `train loss is ${m.bad.loss} at batch ${m.bad.batch} of epoch ${epoch}`;
  if (!Number.isFinite(m.valLoss)) return `val loss is ${m.valLoss} after epoch ${epoch}`;
  return null;
}

/** Removes the members `out` picks (asked in trial order) from the pack and its net. */
function leave(pack: Pack, out: (m: Member) => boolean): void {
  const leaving = pack.members.map(out);
  // Last first, so the indices still to remove hold.
  for (let k = leaving.length - 1; k >= 0; k--) {
    if (!leaving[k]) continue;
    pack.net.remove(k);
    pack.members.splice(k, 1);
  }
  // The views of the trials after a removed one moved with their blocks.
  pack.members.forEach((m, k) => (m.params = pack.net.params(k)));
}
