import { METRICS, builtinTaskIssues } from '@lrsweep/contracts';
import { TrainerConfigError } from '../errors.ts';
import type { TrainOptions } from './train.types.ts';

// Defence in depth: the worker also takes jobs from a queue, and a bad field should fail with
// a path rather than deep inside tfjs. The task is checked with contracts' schema and rules,
// the very ones the API answers 400 with, so whatever fails here was refused at submit.

function fail(path: string, message: string): never {
  throw new TrainerConfigError(path, message);
}

export function validateOptions(opts: TrainOptions): void {
  const [issue] = builtinTaskIssues(opts.task);
  if (issue) fail(`/task${issue.path}`, issue.message);
  if (opts.objectiveMetric !== undefined && !(METRICS as readonly string[]).includes(opts.objectiveMetric)) {
    fail('/objectiveMetric', `expected ${METRICS.join(' | ')}`);
  }
  if (!Array.isArray(opts.trials)) fail('/trials', 'must be an array');
  opts.trials.forEach((trial, i) => {
    if (typeof trial?.schedule?.type !== 'string') fail(`/trials/${i}/schedule/type`, 'must be a string');
    if (!Number.isInteger(trial.seed)) fail(`/trials/${i}/seed`, 'must be an integer');
    if (trial.resume && trial.resume.rng?.seed !== trial.seed) {
      fail(`/trials/${i}/resume/rng/seed`, 'checkpoint was taken with a different seed; its data order would not replay');
    }
  });
}
