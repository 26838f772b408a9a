import { Type, type Static } from '@sinclair/typebox';

const Interval = Type.Tuple([Type.Number(), Type.Number()], { description: '[lo, hi]' });

export const VsBest = Type.Object(
  {
    diff: Type.Number({ description: "this entry's objective minus the best's: the mean of the per-seed differences when paired, the difference of the means when unpaired" }),
    ci: Type.Union([Interval, Type.Null()], { description: '95% t interval of diff; null when it cannot be estimated (one value on a side and nothing to pair)' }),
    method: Type.Union([Type.Literal('paired'), Type.Literal('unpaired')], {
      description: "paired: over the seeds both have (at least two, or one when either has no other); unpaired: Welch's interval over all seeds of each",
    }),
    pairs: Type.Integer({ minimum: 0, description: 'seeds both entries have' }),
  },
  { description: "the difference to the best entry (the best's own is diff 0, ci [0, 0])" },
);

export const LeaderboardEntry = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  schedule: Type.Record(Type.String(), Type.Unknown(), { description: "the schedule as the user wrote it (the group's lowest trial's)" }),
  pytorch: Type.Optional(Type.String({ description: 'the PyTorch call, e.g. StepLR(step_size=2, gamma=0.1)' })),
  mean: Type.Number({ description: "mean over completed seeds of the objective's final value" }),
  std: Type.Number({ description: 'sample standard deviation over seeds (0 for one seed)' }),
  n: Type.Integer({ description: 'completed seeds (trials) the mean is over' }),
  trials: Type.Array(Type.String(), { description: 'the completed trials, by seed' }),
  ci: Type.Union([Interval, Type.Null()], { description: "95% Student t interval of the mean over seeds (mean ± t_{0.975,n-1}·std/√n); null for one seed" }),
  vsBest: VsBest,
  tiedWithBest: Type.Union([Type.Boolean(), Type.Null()], { description: "true when vsBest.ci holds 0 (not significantly different at 95%); the best's own is true; null when vsBest.ci is null; false for a schedule that diverged on a seed when the best diverged on none" }),
  diverged: Type.Integer({ minimum: 0, description: 'seeds that diverged: the entry then ranks below every schedule that diverged on none' }),
  failed: Type.Integer({ minimum: 0, description: 'seeds whose trial failed: missing, not in n, not held against the schedule' }),
  rung: Type.Optional(
    Type.Union([Type.Integer(), Type.Null()], {
      description: 'successive halving: the highest rung the schedule reached, which its results are from (entries rank by it first); below the top rung vsBest is to that rung\'s best and tiedWithBest is null. Absent in a grid sweep',
    }),
  ),
});

export const Leaderboard = Type.Object({
  metric: Type.String(),
  mode: Type.Union([Type.Literal('min'), Type.Literal('max')]),
  entries: Type.Array(LeaderboardEntry),
});

/** `GET /v1/sweeps/:id/best`: the first entry, its objective, and the entries tied with it. */
export const BestEntry = Type.Intersect([
  LeaderboardEntry,
  Type.Object({
    metric: Type.String(),
    mode: Type.String(),
    tied: Type.Array(LeaderboardEntry, { description: 'the other entries tied with the best (tiedWithBest true), in rank order' }),
  }),
]);

export type VsBest = Static<typeof VsBest>;
export type LeaderboardEntry = Static<typeof LeaderboardEntry>;
export type Leaderboard = Static<typeof Leaderboard>;
export type BestEntry = Static<typeof BestEntry>;
