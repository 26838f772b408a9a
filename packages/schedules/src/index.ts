// @lrsweep/schedules: PyTorch's torch.optim.lr_scheduler, step for step, from JSON specs.
export type { Interval, OptimizerSpec, Scheduler, SchedulerState, ScheduleSpec, Trajectory, TrajectoryCase } from './types.ts';
export { createScheduler, naturalInterval, validateSchedule } from './create-scheduler.ts';
export { trajectory } from './trajectory.ts';
export { canonicalJson, expandEntry, gridOf, type ConcreteSchedule, type GridEntry } from './grid/expand-grid.ts';
export { DISTRIBUTIONS, isDistribution, type DistributionName } from './grid/distributions.ts';
export { configurationAt, distributionPointers, MAX_SEARCH_DIMENSIONS, searchPoints, searchSpaceOf, type SearchMethod, type SearchParameter } from './grid/search-space.ts';
export { compileLrLambda } from './expression/compile-lr-lambda.ts';
export { ExpressionError, ScheduleError, ScheduleStepError } from './errors.ts';
export { SCHEDULER_TYPES } from './parsing/scheduler-definitions.ts';
export { OPTIMIZER_TYPES } from './core/optimizer-state.ts';
export { canonicalSchedule, scheduleKey } from './canonical/canonical-schedule.ts';
export { describeSchedule } from './canonical/describe-schedule.ts';
export { rescaleSchedule, type RescaleOptions } from './rescale/rescale-schedule.ts';
