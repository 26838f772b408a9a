import { Type, type Static } from '@sinclair/typebox';
import { LeaderboardEntry } from './leaderboard.schema.ts';
import { ExtraMetrics } from './metrics.schema.ts';
import { SWEEP_STATUSES, TRIAL_STATES, TrialCounts } from './sweep.schema.ts';

// The live events of one sweep, as `GET /v1/sweeps/:id/events` streams them (Server-Sent
// Events: `id:` is the Redis stream entry id, `event:` is `type`, `data:` is the JSON below).
// Workers and the API append them to one Redis stream per sweep; Postgres stays the source of
// truth, so a client that missed events re-reads the REST resources rather than guessing.

const at = Type.String({ format: 'date-time', description: 'when the publisher wrote the event' });
const sweepId = Type.String({ format: 'uuid' });
const trialId = Type.String({ format: 'uuid' });

/** Trial states an event reports; `queued` is never announced (trials are created queued). */
export const TRIAL_EVENT_STATES = TRIAL_STATES.filter((s) => s !== 'queued');

export const SweepCreatedEvent = Type.Object({
  type: Type.Literal('sweep.created'),
  sweepId,
  name: Type.String(),
  trials: Type.Integer({ description: 'number of trials queued' }),
  at,
});

export const TrialStateEvent = Type.Object({
  type: Type.Literal('trial.state'),
  sweepId,
  trialId,
  state: Type.Union(TRIAL_EVENT_STATES.map((s) => Type.Literal(s))),
  /** On `running`: which attempt (1 = first), on which worker and backend. */
  attempt: Type.Optional(Type.Integer()),
  worker: Type.Optional(Type.String()),
  backend: Type.Optional(Type.String()),
  /** On `diverged` and `failed`: why. */
  error: Type.Optional(Type.String()),
  at,
});

export const TrialEpochEvent = Type.Object({
  type: Type.Literal('trial.epoch'),
  sweepId,
  trialId,
  epoch: Type.Integer({ description: '0-based' }),
  epochs: Type.Integer({ description: 'epochs the trial will train' }),
  lr: Type.Number({ description: 'learning rate in effect at the start of the epoch' }),
  train_loss: Type.Union([Type.Number(), Type.Null()]),
  val_loss: Type.Union([Type.Number(), Type.Null()]),
  val_acc: Type.Union([Type.Number(), Type.Null()]),
  metrics: Type.Optional(ExtraMetrics),
  seconds: Type.Number(),
  at,
});

const Board = {
  metric: Type.String(),
  mode: Type.Union([Type.Literal('min'), Type.Literal('max')]),
  entries: Type.Array(LeaderboardEntry, { description: 'the top entries (at most LEADERBOARD_EVENT_TOP)' }),
};

/** After a trial completes: the leaderboard as that worker saw it. */
export const LeaderboardEvent = Type.Object({ type: Type.Literal('leaderboard'), sweepId, ...Board, at });

export const SweepCancelledEvent = Type.Object({
  type: Type.Literal('sweep.cancelled'),
  sweepId,
  cancelledTrials: Type.Integer({ description: 'queued trials removed' }),
  runningTrials: Type.Integer({ description: 'trials that stop at their next epoch boundary' }),
  at,
});

/**
 * A finished (or finishing) sweep got work again: trials rerun or added. A stream that had
 * ended continues after its `sweep.finished`, and ends again with another one.
 */
export const SweepReopenedEvent = Type.Object({
  type: Type.Literal('sweep.reopened'),
  sweepId,
  reason: Type.Union([Type.Literal('rerun'), Type.Literal('extend'), Type.Literal('race')], { description: '`race`: a seed race added the next seeds' }),
  queuedTrials: Type.Integer({ description: 'trials requeued or added' }),
  trials: Type.Integer({ description: "the sweep's trials in all, afterwards" }),
  at,
});

/** The last event of a sweep: every trial has finished. Nothing is appended after it. */
export const SweepFinishedEvent = Type.Object({
  type: Type.Literal('sweep.finished'),
  sweepId,
  status: Type.Union(SWEEP_STATUSES.map((s) => Type.Literal(s))),
  trials: TrialCounts,
  progress: Type.Number(),
  leaderboard: Type.Object(Board),
  at,
});

/**
 * Sent (never stored) at the start of a resumed stream when the Last-Event-ID is older than
 * the oldest event the stream still holds: events in between were trimmed away, so the
 * client should re-read the sweep's REST resources instead of trusting its replay.
 */
export const EventsMissedEvent = Type.Object({
  type: Type.Literal('events.missed'),
  sweepId,
  after: Type.String({ description: 'the Last-Event-ID the client sent' }),
  oldest: Type.String({ description: 'the oldest event id the stream still holds; the replay starts there' }),
  at,
});

export const SweepEvent = Type.Union([SweepCreatedEvent, TrialStateEvent, TrialEpochEvent, LeaderboardEvent, SweepCancelledEvent, SweepReopenedEvent, SweepFinishedEvent]);

export const SWEEP_EVENT_TYPES = ['sweep.created', 'trial.state', 'trial.epoch', 'leaderboard', 'sweep.cancelled', 'sweep.reopened', 'sweep.finished'] as const;
/** How many leaderboard entries an event carries; the full board is `GET /v1/sweeps/:id/leaderboard`. */
export const LEADERBOARD_EVENT_TOP = 10;

export type SweepEvent = Static<typeof SweepEvent>;
export type SweepEventType = SweepEvent['type'];
export type TrialStateEvent = Static<typeof TrialStateEvent>;
export type TrialEpochEvent = Static<typeof TrialEpochEvent>;
export type EventsMissedEvent = Static<typeof EventsMissedEvent>;
export type SweepFinishedEvent = Static<typeof SweepFinishedEvent>;
export type SweepReopenedEvent = Static<typeof SweepReopenedEvent>;
