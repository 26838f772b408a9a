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

export const QueueCounts = Type.Object({
  waiting: Type.Integer(),
  active: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
  delayed: Type.Integer(),
  workers: Type.Integer(),
});

export type TrialJob = Static<typeof TrialJob>;
export type QueueCounts = Static<typeof QueueCounts>;
