// The public shapes shared by every module of the package (re-exported from index.ts).

/** How often the trainer calls `step()`: once per epoch, or once per optimizer step (Lightning's word). */
export type Interval = 'epoch' | 'step';

/** A scheduler as plain JSON: PyTorch's class name in `type`, its keyword arguments beside it. */
export interface ScheduleSpec {
  type: string;
  interval?: Interval;
  [param: string]: unknown;
}

export interface OptimizerSpec {
  type: string;
  lr?: number;
  momentum?: number;
  betas?: [number, number];
  param_groups?: Array<{ lr: number; momentum?: number; betas?: [number, number]; [k: string]: unknown }>;
  [k: string]: unknown;
}

/** JSON-serialisable snapshot of a scheduler and the param-group values it drives. */
export interface SchedulerState {
  format: 'lrsweep.schedules/1';
  type: string;
  optimizer: Record<string, unknown>;
  scheduler: Record<string, unknown>;
}

export interface Scheduler {
  readonly interval: Interval;
  /** current learning rate of each param group (what optimizer.param_groups[g]['lr'] holds) */
  readonly lrs: readonly number[];
  /** current momentum (SGD) or beta1 (Adam/AdamW) of each group, or null when the optimizer has none */
  readonly momentums: readonly number[] | null;
  /** one scheduler.step(); ReduceLROnPlateau needs the monitored metric */
  step(metric?: number): void;
  stateDict(): SchedulerState;
  loadStateDict(state: SchedulerState): void;
}

export interface TrajectoryCase {
  id?: string;
  optimizer: OptimizerSpec;
  scheduler: ScheduleSpec;
  steps: number;
  metrics?: number[];
}

export interface Trajectory {
  id?: string;
  lr: number[][];
  momentum?: number[][];
}
