import { DATASETS } from '../datasets/dataset.types.ts';
import { TrainerConfigError } from '../errors.ts';
import { MODEL_TYPES } from '../models/model.types.ts';
import { OPTIMIZER_TYPES } from '../optimizers/optimizer.types.ts';
import type { TrainOptions } from './train.types.ts';

// Defence in depth: the API checks requests with JSON Schema, but the worker also takes jobs
// from a queue, and a bad field should fail with a path rather than deep inside tfjs.

const OBJECTIVES = ['val_loss', 'val_acc', 'train_loss'];

function fail(path: string, message: string): never {
  throw new TrainerConfigError(path, message);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function positiveIntArray(v: unknown, path: string): void {
  if (!Array.isArray(v)) fail(path, 'must be an array of positive integers');
  v.forEach((n, i) => isPositiveInt(n) || fail(`${path}/${i}`, `must be a positive integer, got ${String(n)}`));
}

export function validateOptions(opts: TrainOptions): void {
  const { task } = opts;
  if (typeof task !== 'object' || task === null) fail('/task', 'is required');
  if (!(DATASETS as readonly unknown[]).includes(task.dataset)) {
    fail('/task/dataset', `unknown dataset '${String(task.dataset)}'; expected ${DATASETS.join(' | ')}`);
  }
  const model = task.model as { type?: unknown; hidden?: unknown; channels?: unknown } | undefined;
  if (!(MODEL_TYPES as readonly unknown[]).includes(model?.type)) {
    fail('/task/model/type', `unknown model '${String(model?.type)}'; expected ${MODEL_TYPES.join(' | ')}`);
  }
  if (model?.type === 'mlp') positiveIntArray(model.hidden, '/task/model/hidden');
  if (model?.type === 'cnn') {
    if (task.dataset !== 'mnist') fail('/task/model/type', `cnn needs image data; dataset '${task.dataset}' is flat`);
    if (model.channels !== undefined) {
      positiveIntArray(model.channels, '/task/model/channels');
      if ((model.channels as number[]).length < 1 || (model.channels as number[]).length > 2) {
        fail('/task/model/channels', 'must have 1 or 2 entries for a 28x28 image');
      }
    }
  }
  if (!isPositiveInt(task.epochs)) fail('/task/epochs', `must be a positive integer, got ${String(task.epochs)}`);
  if (!isPositiveInt(task.batchSize)) fail('/task/batchSize', `must be a positive integer, got ${String(task.batchSize)}`);
  const opt = task.optimizer as { type?: unknown; lr?: unknown } | undefined;
  if (!(OPTIMIZER_TYPES as readonly unknown[]).includes(opt?.type)) {
    fail('/task/optimizer/type', `unknown optimizer '${String(opt?.type)}'; expected ${OPTIMIZER_TYPES.join(' | ')}`);
  }
  if (typeof opt?.lr !== 'number' || !(opt.lr > 0) || !Number.isFinite(opt.lr)) {
    fail('/task/optimizer/lr', 'must be a positive number');
  }
  if (opts.objectiveMetric !== undefined && !OBJECTIVES.includes(opts.objectiveMetric)) {
    fail('/objectiveMetric', `expected ${OBJECTIVES.join(' | ')}`);
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
