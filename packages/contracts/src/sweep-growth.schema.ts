import { Type, type Static } from '@sinclair/typebox';
import { ScheduleEntry, Seeds } from './sweep.schema.ts';

// A sweep is not over when it ends: its failed or cancelled trials can run again (rerun) and
// it can take more schedules or seeds (extend).

/** Trial states a rerun may put back to `queued`; queued and running trials are left alone. */
export const RERUN_STATES = ['failed', 'cancelled', 'diverged'] as const;

export const RerunSweepBody = Type.Object(
  {
    states: Type.Optional(
      Type.Array(Type.Union(RERUN_STATES.map((s) => Type.Literal(s))), {
        minItems: 1,
        uniqueItems: true,
        description: "which trials to run again; `diverged` only when named (default: ['failed', 'cancelled'])",
      }),
    ),
    fresh: Type.Optional(Type.Boolean({ description: 'start over from epoch 0 instead of resuming from the last checkpoint (default: false)' })),
  },
  { additionalProperties: false },
);

export const RerunSweepReply = Type.Object({ requeued: Type.Integer({ description: 'trials put back to queued' }) });

/** More schedules and/or more seeds, in the shapes of a new sweep; the task and objective stay the sweep's. */
export const ExtendSweepBody = Type.Object(
  {
    schedules: Type.Optional(Type.Array(ScheduleEntry, { minItems: 1, maxItems: 1000 })),
    seeds: Type.Optional(Seeds),
  },
  { additionalProperties: false },
);

export const ExtendSweepReply = Type.Object({
  added: Type.Integer({ description: 'trials added: new configurations x all seeds, and new seeds x all configurations' }),
  duplicates: Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
    description: 'what the extension named that the sweep already had, by JSON pointer into the request; nothing was added for them',
  }),
});

export type RerunState = (typeof RERUN_STATES)[number];
export type RerunSweepBody = Static<typeof RerunSweepBody>;
export type RerunSweepReply = Static<typeof RerunSweepReply>;
export type ExtendSweepBody = Static<typeof ExtendSweepBody>;
export type ExtendSweepReply = Static<typeof ExtendSweepReply>;
