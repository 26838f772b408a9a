import { setTimeout as sleep } from 'node:timers/promises';
import { STREAM, deriveSeed, mulberry32 } from '../rng.ts';
import { makeCheckpoint, type TrialState } from './checkpoint.ts';
import { runEpochLoop } from './epoch-loop.ts';
import type { Scheduler } from './scheduler.types.ts';
import type { TrainOptions, TrialOutcome } from './train.types.ts';

// Load tests of the queue need trials that cost nothing but still look like training: loss
// falls each epoch, faster for an lr near BEST_LR, and a dash of seed noise.
const BEST_LR = 0.05;

export interface NoopRun {
  opts: TrainOptions;
  trialIndex: number;
  stepsPerEpoch: number;
  classes: number;
  scheduler: Scheduler;
}

/** Plausible deterministic metrics from (lr, epoch, seed); steps the real scheduler. */
export async function noopTrial(run: NoopRun): Promise<TrialOutcome> {
  const { opts, trialIndex, scheduler } = run;
  const trial = opts.trials[trialIndex]!;
  const state: TrialState = { model: null, optimizer: null, scheduler, seed: trial.seed, backend: 'noop' };
  if (trial.resume) scheduler.loadStateDict(trial.resume.schedulerState);
  return runEpochLoop({
    opts,
    trialIndex,
    scheduler,
    makeCheckpoint: (row) => makeCheckpoint(state, row),
    async runEpoch(epoch) {
      const lr = scheduler.lrs[0]!;
      if (scheduler.interval === 'step') for (let s = 0; s < run.stepsPerEpoch; s++) scheduler.step();
      if (opts.noopEpochMs) await sleep(opts.noopEpochMs);
      const fit = Math.exp(-((Math.log10(lr) - Math.log10(BEST_LR)) ** 2) / 2);
      const jitter = 1 + 0.02 * (mulberry32(deriveSeed(trial.seed, STREAM.noop, epoch))() - 0.5);
      const chance = Math.log(run.classes);
      const train_loss = (0.05 + chance * Math.exp(-0.5 * (epoch + 1) * fit)) * jitter;
      const val_loss = train_loss * 1.08;
      const val_acc = Math.min(1, Math.max(1 / run.classes, 1 - val_loss / chance));
      return { row: { epoch, lr, train_loss, val_loss, val_acc } };
    },
  });
}
