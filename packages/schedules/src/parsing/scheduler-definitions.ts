// Every scheduler type, by PyTorch class name, in torch.optim.lr_scheduler's order.
import { chainedSchedulerDefinition } from '../schedulers/chained-scheduler.scheduler.ts';
import { constantLRDefinition } from '../schedulers/constant-lr.scheduler.ts';
import { cosineAnnealingLRDefinition } from '../schedulers/cosine-annealing-lr.scheduler.ts';
import { cosineAnnealingWarmRestartsDefinition } from '../schedulers/cosine-annealing-warm-restarts.scheduler.ts';
import { cyclicLRDefinition } from '../schedulers/cyclic-lr.scheduler.ts';
import { exponentialLRDefinition } from '../schedulers/exponential-lr.scheduler.ts';
import { lambdaLRDefinition } from '../schedulers/lambda-lr.scheduler.ts';
import { linearLRDefinition } from '../schedulers/linear-lr.scheduler.ts';
import { multiStepLRDefinition } from '../schedulers/multi-step-lr.scheduler.ts';
import { multiplicativeLRDefinition } from '../schedulers/multiplicative-lr.scheduler.ts';
import { oneCycleLRDefinition } from '../schedulers/one-cycle-lr.scheduler.ts';
import { polynomialLRDefinition } from '../schedulers/polynomial-lr.scheduler.ts';
import { reduceLROnPlateauDefinition } from '../schedulers/reduce-lr-on-plateau.scheduler.ts';
import { sequentialLRDefinition } from '../schedulers/sequential-lr.scheduler.ts';
import { stepLRDefinition } from '../schedulers/step-lr.scheduler.ts';
import type { ScheduleDefinition } from './schedule-definition.ts';

const DEFINITIONS: readonly ScheduleDefinition[] = [
  lambdaLRDefinition,
  multiplicativeLRDefinition,
  stepLRDefinition,
  multiStepLRDefinition,
  constantLRDefinition,
  linearLRDefinition,
  exponentialLRDefinition,
  sequentialLRDefinition,
  polynomialLRDefinition,
  cosineAnnealingLRDefinition,
  chainedSchedulerDefinition,
  reduceLROnPlateauDefinition,
  cyclicLRDefinition,
  cosineAnnealingWarmRestartsDefinition,
  oneCycleLRDefinition,
];

export const DEFINITION_BY_TYPE: ReadonlyMap<string, ScheduleDefinition> = new Map(DEFINITIONS.map((d) => [d.type, d]));

/** The `type` values a spec may name: PyTorch's class names. */
export const SCHEDULER_TYPES: readonly string[] = Object.freeze(DEFINITIONS.map((d) => d.type));
