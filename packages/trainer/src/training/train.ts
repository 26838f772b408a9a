import { activeBackend, selectBackend } from '../backends/select-backend.ts';
import { DATASET_SIZES } from '../datasets/dataset.types.ts';
import { loadDataset } from '../datasets/load-dataset.ts';
import { uploadDataset } from './data-tensors.ts';
import { noopTrial } from './noop-trial.ts';
import { prepareSchedule } from './prepare-schedule.ts';
import type { SchedulerFactory } from './scheduler.types.ts';
import { trainTrial } from './train-trial.ts';
import type { TrainOptions, TrialOutcome } from './train.types.ts';
import { validateOptions } from './validate-options.ts';

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
  const stepsPerEpoch = Math.ceil(DATASET_SIZES[task.dataset].train / task.batchSize);
  const makeScheduler = (i: number) =>
    createScheduler(prepareSchedule(opts.trials[i]!.schedule, task.epochs, stepsPerEpoch), task.optimizer);
  const outcomes: TrialOutcome[] = [];
  if (backend.name === 'noop') {
    for (let i = 0; i < opts.trials.length; i++) {
      const classes = NOOP_CLASSES[task.dataset];
      outcomes.push(await noopTrial({ opts, trialIndex: i, stepsPerEpoch, classes, scheduler: makeScheduler(i) }));
    }
    return outcomes;
  }
  const dataset = await loadDataset(task.dataset);
  const data = uploadDataset(dataset);
  try {
    for (let i = 0; i < opts.trials.length; i++) {
      const scheduler = makeScheduler(i);
      outcomes.push(await trainTrial({ opts, trialIndex: i, dataset, data, scheduler, backend: backend.name }));
    }
  } finally {
    data.dispose();
  }
  return outcomes;
}
