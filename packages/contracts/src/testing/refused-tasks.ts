import type { BuiltinTask } from '../task.schema.ts';

// Built-in tasks the trainer refuses, one per rule, each with the field it names (a JSON
// pointer relative to the task). The trainer's tests check it refuses each, the API's that
// each is a 400 at submit naming `/task` + path, and contracts' that every field of a
// built-in task appears here: so nothing the worker refuses gets past POST /v1/sweeps.

/** A small valid task: spirals, an MLP, SGD. */
export const VALID_TASK: BuiltinTask = {
  dataset: 'spirals',
  model: { type: 'mlp', hidden: [8] },
  epochs: 3,
  batchSize: 32,
  optimizer: { type: 'SGD', lr: 0.1 },
};

export interface RefusedTask {
  name: string;
  task: Record<string, unknown>;
  /** The field named, relative to the task. */
  path: string;
}

const refused = (name: string, patch: Record<string, unknown>, path: string): RefusedTask => ({ name, task: { ...VALID_TASK, ...patch }, path });
const mnistCnn = (channels: unknown) => ({ dataset: 'mnist', model: { type: 'cnn', channels } });

export const REFUSED_TASKS: readonly RefusedTask[] = [
  refused('unknown task field', { gpu: true }, '/gpu'),
  refused('unknown dataset', { dataset: 'cifar' }, '/dataset'),
  refused('unknown model', { model: { type: 'rnn' } }, '/model/type'),
  refused('unknown model field', { model: { type: 'mlp', hidden: [8], dropout: 0.5 } }, '/model/dropout'),
  refused('hidden is not a list', { model: { type: 'mlp', hidden: 8 } }, '/model/hidden'),
  refused('zero hidden units', { model: { type: 'mlp', hidden: [8, 0] } }, '/model/hidden/1'),
  refused('cnn on flat data', { model: { type: 'cnn' } }, '/model/type'),
  refused('no conv layers', mnistCnn([]), '/model/channels'),
  refused('zero channels', mnistCnn([0]), '/model/channels/0'),
  refused('more conv layers than a 28x28 image allows', mnistCnn([4, 4, 4]), '/model/channels'),
  refused('four conv layers on mnist', mnistCnn([4, 4, 4, 4]), '/model/channels'),
  refused('missing epochs', { epochs: undefined }, '/epochs'),
  refused('zero epochs', { epochs: 0 }, '/epochs'),
  refused('fractional epochs', { epochs: 2.5 }, '/epochs'),
  refused('negative batch size', { batchSize: -4 }, '/batchSize'),
  refused('unknown optimizer', { optimizer: { type: 'RMSprop', lr: 0.1 } }, '/optimizer/type'),
  refused('zero learning rate', { optimizer: { type: 'SGD', lr: 0 } }, '/optimizer/lr'),
  refused('nesterov as a string', { optimizer: { type: 'SGD', lr: 0.1, nesterov: 'yes' } }, '/optimizer/nesterov'),
  refused('momentum above 1', { optimizer: { type: 'SGD', lr: 0.1, momentum: 1.5 } }, '/optimizer/momentum'),
  refused('negative weight decay', { optimizer: { type: 'AdamW', lr: 0.1, weight_decay: -1 } }, '/optimizer/weight_decay'),
  refused('beta above 1', { optimizer: { type: 'Adam', lr: 0.1, betas: [0.9, 2] } }, '/optimizer/betas/1'),
  refused('zero eps', { optimizer: { type: 'Adam', lr: 0.1, eps: 0 } }, '/optimizer/eps'),
];
