import { stepsPerEpoch as stepsPerEpochOf } from '@lrsweep/contracts';
import { activeBackend, selectBackend } from '../backends/select-backend.ts';
import { trainBlasPacks } from '../blas/blas-pack.ts';
import { packableModel } from '../blas/create-packed-net.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { uploadDataset } from './data-tensors.ts';
import { noopTrial } from './noop-trial.ts';
import { prepareSchedule } from './prepare-schedule.ts';
import type { SchedulerFactory } from './scheduler.types.ts';
import { trainTrial } from './train-trial.ts';
import type { TrainOptions, TrialOutcome } from './train.types.ts';
import { validateOptions } from './validate-options.ts';
import { TrainerConfigError } from '../errors.ts';

const NOOP_CLASSES = { spirals: 3, mnist: 10 } as const;

/**
 * Trains each trial in `opts.trials` on the active backend (selecting the default one first
 * if none was chosen) and returns one outcome per trial, in order. On the blas backend the
 * trials train together as packs (`blas/blas-pack.ts`); elsewhere one after another.
 */
export async function trainWith(opts: TrainOptions, createScheduler: SchedulerFactory): Promise<TrialOutcome[]> {
  validateOptions(opts);
  const backend = activeBackend() ?? (await selectBackend());
  const { task } = opts;
  const stepsPerEpoch = stepsPerEpochOf(task);
  // All schedulers up front: a bad spec in trial 3 should fail before trial 0 trains.
  const schedulers = opts.trials.map((trial, i) => {
    try {
      return createScheduler(prepareSchedule(trial.schedule, task.epochs, stepsPerEpoch), task.optimizer);
    } catch (err) {
      throw asConfigError(err, `/trials/${i}/schedule`);
    }
  });
  const outcomes: TrialOutcome[] = [];
  if (backend.name === 'noop') {
    for (let i = 0; i < opts.trials.length; i++) {
      const classes = NOOP_CLASSES[task.dataset];
      outcomes.push(await noopTrial({ opts, trialIndex: i, stepsPerEpoch, classes, scheduler: schedulers[i]! }));
    }
    return outcomes;
  }
  const dataset = await loadDataset(task.dataset);
  if (backend.name === 'blas' && packableModel(task)) {
    // All the call's trials at once, packed by seed (native products, no tfjs); other models
    // fall through to tfjs (wasm), one trial after another.
    return trainBlasPacks({ opts, dataset, schedulers });
  }
  const data = uploadDataset(dataset, backend.name === 'tensorflow' || backend.name === 'tensorflow-gpu');
  try {
    for (let i = 0; i < opts.trials.length; i++) {
      const scheduler = schedulers[i]!;
      outcomes.push(await trainTrial({ opts, trialIndex: i, dataset, data, scheduler, backend: backend.name }));
    }
  } finally {
    data.dispose();
  }
  return outcomes;
}

/** Schedule errors carry a JSON pointer relative to the spec; re-root it under the trial. */
function asConfigError(err: unknown, prefix: string): Error {
  const path = (err as { path?: unknown }).path;
  if (typeof path !== 'string') return err as Error;
  const reason = (err as { reason?: unknown }).reason ?? (err as Error).message;
  return new TrainerConfigError(prefix + path, String(reason), { cause: err });
}
