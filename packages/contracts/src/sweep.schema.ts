import { Type, type Static } from '@sinclair/typebox';
import { EarlyStopping } from './early-stopping.schema.ts';
import { Objective, Task } from './task.schema.ts';

/**
 * One entry of `schedules`: a PyTorch scheduler spec whose parameters may be grid axes
 * written `{"values": [...]}` (W&B's word). Parameters are checked by @lrsweep/schedules
 * after the grid is expanded, so every concrete schedule gets PyTorch's own validation.
 */
export const ScheduleEntry = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: true, description: 'a torch.optim.lr_scheduler spec, e.g. {"type": "StepLR", "step_size": {"values": [3, 5]}}' },
);

export const Seeds = Type.Union([
  Type.Integer({ minimum: 1, maximum: 1000, description: 'a count: seeds 0..n-1' }),
  Type.Array(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }), { minItems: 1, maxItems: 1000, uniqueItems: true }),
]);

export const CreateSweepBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    task: Task,
    schedules: Type.Array(ScheduleEntry, { minItems: 1, maxItems: 1000 }),
    seeds: Type.Optional(Seeds),
    objective: Type.Optional(Objective),
    /** Successive halving over rungs instead of the full grid (see early-stopping.schema.ts). */
    early_stopping: Type.Optional(EarlyStopping),
  },
  { additionalProperties: false },
);

export const SWEEP_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
/** `stopped`: left behind at a rung of successive halving, its rung's trial finished and kept. */
export const TRIAL_STATES = ['queued', 'running', 'completed', 'failed', 'diverged', 'cancelled', 'stopped'] as const;

/** The states every sweep has always counted; `stopped` (successive halving) came later and is optional to readers. */
const COUNTED_STATES = TRIAL_STATES.filter((s): s is Exclude<(typeof TRIAL_STATES)[number], 'stopped'> => s !== 'stopped');

export const TrialCounts = Type.Object({
  total: Type.Integer(),
  ...(Object.fromEntries(COUNTED_STATES.map((s) => [s, Type.Integer()])) as Record<(typeof COUNTED_STATES)[number], ReturnType<typeof Type.Integer>>),
  stopped: Type.Optional(Type.Integer({ description: 'trials left behind at a rung of successive halving' })),
});

export const SweepSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.Union(SWEEP_STATUSES.map((s) => Type.Literal(s))),
  trials: TrialCounts,
  progress: Type.Number({ description: 'finished trials / total, 0..1' }),
  objective: Objective,
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** A successive-halving sweep's rungs so far and what they cost beside the full grid. */
export const HalvingProgress = Type.Object({
  rungs: Type.Array(
    Type.Object({
      rung: Type.Integer({ minimum: 0 }),
      epochs: Type.Integer({ description: "the rung's length" }),
      configurations: Type.Integer({ description: 'schedules trained at this rung' }),
      trials: Type.Integer(),
      stopped: Type.Integer({ description: 'schedules stopped at this rung' }),
    }),
  ),
  epochsSpent: Type.Integer({ description: "epochs trained by all the sweep's trials so far" }),
  gridEpochs: Type.Integer({ description: 'what the full grid (every schedule x seed for every epoch) would have cost' }),
});

export const SweepDetail = Type.Intersect([SweepSummary, Type.Object({ spec: CreateSweepBody, halving: Type.Optional(HalvingProgress) })]);

export const CreateSweepReply = Type.Object({ id: Type.String(), trials: Type.Integer() });

export const SweepList = Type.Object({ items: Type.Array(SweepSummary), total: Type.Integer() });

export type CreateSweepBody = Static<typeof CreateSweepBody>;
export type ScheduleEntry = Static<typeof ScheduleEntry>;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
export type TrialState = (typeof TRIAL_STATES)[number];
export type SweepSummary = Static<typeof SweepSummary>;
export type HalvingProgress = Static<typeof HalvingProgress>;
