import { Type, type Static } from '@sinclair/typebox';

export const LeaderboardEntry = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  schedule: Type.Record(Type.String(), Type.Unknown(), { description: "the schedule as the user wrote it (the group's lowest trial's)" }),
  pytorch: Type.Optional(Type.String({ description: 'the PyTorch call, e.g. StepLR(step_size=2, gamma=0.1)' })),
  mean: Type.Number({ description: "mean over seeds of the objective's final value" }),
  std: Type.Number({ description: 'sample standard deviation over seeds (0 for one seed)' }),
  n: Type.Integer(),
  trials: Type.Array(Type.String()),
});

export const Leaderboard = Type.Object({
  metric: Type.String(),
  mode: Type.Union([Type.Literal('min'), Type.Literal('max')]),
  entries: Type.Array(LeaderboardEntry),
});

export type LeaderboardEntry = Static<typeof LeaderboardEntry>;
export type Leaderboard = Static<typeof Leaderboard>;
