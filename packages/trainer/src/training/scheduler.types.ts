import type { OptimizerSpec } from '../optimizers/optimizer.types.ts';

// The slice of @lrsweep/schedules the trainer relies on, written out so the trainer states
// its needs: the real Scheduler satisfies it structurally.

export type Interval = 'epoch' | 'step';

export interface ScheduleSpec {
  type: string;
  interval?: Interval;
  [param: string]: unknown;
}

export interface Scheduler {
  readonly interval: Interval;
  readonly lrs: readonly number[];
  readonly momentums: readonly number[] | null;
  step(metric?: number): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

export type SchedulerFactory = (spec: ScheduleSpec, optimizer: OptimizerSpec) => Scheduler;
