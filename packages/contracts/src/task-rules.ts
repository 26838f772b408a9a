import { DATASET_IMAGES, DATASET_SIZES } from './datasets.ts';
import type { Issue } from './error.schema.ts';
import type { BuiltinTask, SweepTask, Task } from './task.schema.ts';

// What a built-in task must satisfy beyond its JSON schema, because the answer depends on
// another field (the dataset). The API refuses these at submit time and the trainer checks
// the same function, so a sweep the API accepts never fails in the worker for its task.

/** Issues with a schema-valid built-in task, by JSON pointer relative to the task. */
export function taskRuleIssues(task: BuiltinTask): Issue[] {
  if (task.model.type !== 'cnn') return [];
  const image = DATASET_IMAGES[task.dataset];
  if (image === null) return [{ path: '/model/type', message: `cnn needs image data; dataset '${task.dataset}' is flat` }];
  const layers = task.model.channels?.length ?? 0;
  if (layers > image.maxConvLayers) {
    return [
      {
        path: '/model/channels',
        message: `must have at most ${image.maxConvLayers} entries for a ${image.height}x${image.width} image (one conv layer each), got ${layers}`,
      },
    ];
  }
  return [];
}

/**
 * Optimizer steps per epoch: one per minibatch of the training split (the last may be short,
 * like torch's DataLoader). A script's loader length is known only when the sweep states it.
 * A sweep's task (its lr perhaps searched) has the same steps as each of its trials'.
 */
export function stepsPerEpoch(task: Pick<BuiltinTask, 'dataset' | 'batchSize'>): number;
export function stepsPerEpoch(task: Task | SweepTask): number | undefined;
export function stepsPerEpoch(task: Task | SweepTask | Pick<BuiltinTask, 'dataset' | 'batchSize'>): number | undefined {
  if ('trainer' in task) return task.stepsPerEpoch;
  return Math.ceil(DATASET_SIZES[task.dataset].train / task.batchSize);
}
