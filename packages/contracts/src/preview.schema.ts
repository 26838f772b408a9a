import { Type, type Static } from '@sinclair/typebox';
import { Optimizer } from './task.schema.ts';
import { ScheduleEntry } from './sweep.schema.ts';

export const PreviewBody = Type.Object(
  {
    schedule: ScheduleEntry,
    lr: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 0.1 })),
    epochs: Type.Integer({ minimum: 1, maximum: 10_000 }),
    stepsPerEpoch: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    optimizer: Type.Optional(Optimizer),
  },
  { additionalProperties: false },
);

export const PreviewReply = Type.Object({
  lr: Type.Array(Type.Number()),
  momentum: Type.Optional(Type.Array(Type.Number())),
  interval: Type.Union([Type.Literal('epoch'), Type.Literal('step')]),
});

export type PreviewBody = Static<typeof PreviewBody>;
