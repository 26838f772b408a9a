import { Type, type Static } from '@sinclair/typebox';
import { EarlyStopping } from './early-stopping.schema.ts';
import { Objective, SweepTask } from './task.schema.ts';

/**
 * One entry of `schedules`: a PyTorch scheduler spec whose parameters may be grid axes
 * written `{"values": [...]}` (W&B's word) or, under random and Sobol search, distributions
 * `{"distribution": "uniform", "min", "max"}`. Parameters are checked by @lrsweep/schedules
 * after the grid is expanded (or the values drawn), so every concrete schedule gets PyTorch's
 * own validation.
 */
export const ScheduleEntry = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: true, description: 'a torch.optim.lr_scheduler spec, e.g. {"type": "StepLR", "step_size": {"values": [3, 5]}}' },
);

/** The most seeds a sweep gives one schedule, as a count, a list or a race's `max`. */
export const MAX_SEEDS = 1000;

export const Seeds = Type.Union([
  Type.Integer({ minimum: 1, maximum: MAX_SEEDS, description: 'a count: seeds 0..n-1' }),
  Type.Array(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }), { minItems: 1, maxItems: MAX_SEEDS, uniqueItems: true }),
]);

/**
 * Seed racing: every schedule runs `min` seeds, then the next seed goes only to the schedules
 * still tied with the best (and to the best), until the best is clear or `max` is reached.
 * The bounds (2 <= min <= max <= 1000, and schedules x max within the trial limit) are checked
 * by the API, which names the field that breaks them.
 */
export const RacingSeeds = Type.Object(
  {
    min: Type.Integer({ description: 'seeds every schedule runs first (at least 2: one seed has no interval)' }),
    max: Type.Integer({ description: 'seeds after which a schedule gets no more, tied or not (at most 1000)' }),
  },
  { additionalProperties: false, description: 'seed racing: seeds 0..min-1 for all, then one more at a time for the schedules still tied with the best' },
);

export const SEARCH_METHODS = ['grid', 'random', 'sobol'] as const;

/**
 * How a sweep's configurations are chosen (W&B's `method`): every grid combination, or
 * `count` configurations per schedule entry drawn at random or from a Sobol sequence, the
 * same ones for the same `seed`. Whether `count` fits the method is checked at planning, to
 * name the field.
 */
export const Search = Type.Object(
  {
    method: Type.Union(SEARCH_METHODS.map((m) => Type.Literal(m)), { default: 'grid' }),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'configurations drawn per schedule entry (random, sobol)' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'the draws\' seed; 0 when left out' })),
  },
  { additionalProperties: false },
);

export const CreateSweepBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    task: SweepTask,
    schedules: Type.Array(ScheduleEntry, { minItems: 1, maxItems: 1000 }),
    search: Type.Optional(Search),
    seeds: Type.Optional(Type.Union([Seeds, RacingSeeds])),
    objective: Type.Optional(Objective),
    /** Successive halving over rungs instead of the full grid (see early-stopping.schema.ts). */
    early_stopping: Type.Optional(EarlyStopping),
  },
  { additionalProperties: false },
);

export const SWEEP_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
/** `stopped`: left behind at a rung of successive halving, its rung's trial finished and kept. */
export const TRIAL_STATES = ['queued', 'running', 'completed', 'failed', 'diverged', 'cancelled', 'stopped'] as const;

/** States a trial never leaves; a sweep is finished when all its trials are in one. */
export const FINISHED_TRIAL_STATES = ['completed', 'failed', 'diverged', 'cancelled', 'stopped'] as const satisfies readonly (typeof TRIAL_STATES)[number][];
/** Statuses a sweep never leaves by itself (a rerun or extend reopens it). */
export const FINISHED_SWEEP_STATUSES = ['completed', 'failed', 'cancelled'] as const satisfies readonly (typeof SWEEP_STATUSES)[number][];

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
export type RacingSeeds = Static<typeof RacingSeeds>;
export type ScheduleEntry = Static<typeof ScheduleEntry>;
export type Search = Static<typeof Search>;
export type SearchMethod = (typeof SEARCH_METHODS)[number];
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
export type TrialState = (typeof TRIAL_STATES)[number];
export type SweepSummary = Static<typeof SweepSummary>;
export type HalvingProgress = Static<typeof HalvingProgress>;
