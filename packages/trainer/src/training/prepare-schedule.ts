import type { ScheduleSpec } from './scheduler.types.ts';

/**
 * OneCycleLR needs the run's length, which only the trainer knows (steps per epoch follow
 * from the dataset and batch size). Fill it in when the user left it out, as PyTorch users
 * do by passing `epochs=..., steps_per_epoch=len(loader)`.
 */
export function prepareSchedule(spec: ScheduleSpec, epochs: number, stepsPerEpoch: number): ScheduleSpec {
  if (spec.type !== 'OneCycleLR' || spec.total_steps != null || spec.steps_per_epoch != null) return spec;
  const perStep = (spec.interval ?? 'step') === 'step';
  return { ...spec, epochs: spec.epochs ?? epochs, steps_per_epoch: perStep ? stepsPerEpoch : 1 };
}
