import { stepsPerEpoch as stepsPerEpochOf } from '@lrsweep/contracts';
import { activeBackend, selectBackend } from '../backends/select-backend.ts';
import { trainBlasCnnTrial } from '../blas/blas-cnn-trial.ts';
import { trainBlasTrial } from '../blas/blas-trial.ts';
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
 * if none was chosen) and returns one outcome per trial, in order. Trials run one after
 * another today; the list shape is there so packed training can batch them later.
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
  if (backend.name === 'blas') {
    // Native kernels and JS loops, no tfjs. The cnn trains as a pack of one until the packed
    // epoch loop (blas-pack.ts) takes both models.
    const trainOne = task.model.type === 'mlp' ? trainBlasTrial : trainBlasCnnTrial;
    for (let i = 0; i < opts.trials.length; i++) {
      outcomes.push(await trainOne({ opts, trialIndex: i, dataset, scheduler: schedulers[i]! }));
    }
    return outcomes;
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
