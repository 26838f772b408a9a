import { Type, type Static } from '@sinclair/typebox';

/**
 * A trial job carries ids only: Postgres is the source of truth for what to train, so a job
 * that outlives a schema change or is re-enqueued by hand still trains the current spec.
 */
export const TrialJob = Type.Object(
  {
    trialId: Type.String({ format: 'uuid' }),
    sweepId: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);

/** One BullMQ queue's jobs by state, and the workers connected to it. */
export const QueueStateCounts = Type.Object({
  waiting: Type.Integer(),
  active: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
  delayed: Type.Integer(),
  workers: Type.Integer(),
});

/**
 * The built-in trainer's queue at the top level (what KEDA scales the GPU workers on), and
 * each external trainer's own queue (trialQueueName) under `trainers`, by trainer name.
 */
export const QueueCounts = Type.Intersect([QueueStateCounts, Type.Object({ trainers: Type.Record(Type.String(), QueueStateCounts) })]);

export type TrialJob = Static<typeof TrialJob>;
export type QueueStateCounts = Static<typeof QueueStateCounts>;
export type QueueCounts = Static<typeof QueueCounts>;
