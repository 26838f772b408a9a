import { Type, type Static } from '@sinclair/typebox';
import { ExtraMetrics } from './metrics.schema.ts';
import { TRIAL_STATES } from './sweep.schema.ts';

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const EpochRow = Type.Object({
  epoch: Type.Integer(),
  lr: Type.Number({ description: 'learning rate in effect at the start of the epoch' }),
  // Null where a script did not report it (a regression script has no val_acc).
  train_loss: nullableNumber,
  val_loss: nullableNumber,
  val_acc: nullableNumber,
  metrics: Type.Optional(ExtraMetrics),
  seconds: Type.Number(),
});

export const TrialSummary = Type.Object({
  id: Type.String(),
  sweepId: Type.String(),
  index: Type.Integer(),
  state: Type.Union(TRIAL_STATES.map((s) => Type.Literal(s))),
  schedule: Type.Record(Type.String(), Type.Unknown(), { description: 'the schedule as the user wrote it, grid axes resolved' }),
  pytorch: Type.Optional(Type.String({ description: 'the PyTorch call, e.g. StepLR(step_size=2, gamma=0.1)' })),
  seed: Type.Integer(),
  metrics: Type.Object({ val_loss: nullableNumber, val_acc: nullableNumber, train_loss: nullableNumber }),
  objective: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: "the final value of the sweep's objective metric, what the leaderboard ranks" })),
  epochsDone: Type.Integer(),
  attempts: Type.Integer(),
  worker: Type.Union([Type.String(), Type.Null()]),
  backend: Type.Union([Type.String(), Type.Null()]),
  seconds: nullableNumber,
  error: Type.Union([Type.String(), Type.Null()]),
  divergedEpoch: Type.Union([Type.Integer(), Type.Null()]),
  rung: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'successive halving: the rung (0 first) the trial trains at; null in a grid sweep' })),
  budgetEpochs: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "successive halving: the rung's length in epochs; null when it is the task's" })),
  stopReason: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'why a stopped trial went no further' })),
  pack: Type.Optional(
    Type.Union([Type.Object({ id: Type.String(), size: Type.Integer({ minimum: 1 }) }), Type.Null()], {
      description: 'the pack the trial trained in (the latest, if its attempts trained in several): trials of one sweep a worker trained together in one computation (LRSWEEP_PACK); null when it always trained alone',
    }),
  ),
  trainer: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "the external trainer (the workers' script) that trains it; null for the built-in one" })),
  reason: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'why the sweep added this trial after it started (seed racing); null for the trials the spec asked for' }),
  ),
  lrMismatch: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: "set when the lrs the script reported differ from the spec's trajectory; the trial is kept" }),
  ),
});

export const TrialDetail = Type.Intersect([
  TrialSummary,
  Type.Object({ epochs: Type.Array(EpochRow), outputTail: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: "an external trainer's last stdout and stderr" })) }),
]);

export const TrialList = Type.Object({ items: Type.Array(TrialSummary), total: Type.Integer() });

export const TrialListQuery = Type.Object(
  {
    // Bounded so the row offset stays an exact integer (page=1e20 is not).
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    state: Type.Optional(Type.Union(TRIAL_STATES.map((s) => Type.Literal(s)))),
  },
  { additionalProperties: false },
);

export type EpochRow = Static<typeof EpochRow>;
export type TrialSummary = Static<typeof TrialSummary>;
export type TrialDetail = Static<typeof TrialDetail>;
