import type { Scheduler, ScheduleSpec } from '@lrsweep/schedules';
import type { OptimizerSpec } from '../optimizers/optimizer.types.ts';

export type { Interval, Scheduler, SchedulerState, ScheduleSpec } from '@lrsweep/schedules';

/** createScheduler's shape; train() passes the real one, tests may wrap it to observe step(). */
export type SchedulerFactory = (spec: ScheduleSpec, optimizer: OptimizerSpec) => Scheduler;
