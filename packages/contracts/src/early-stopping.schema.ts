import { Type, type Static } from '@sinclair/typebox';
import type { Issue } from './error.schema.ts';

// Budget-aware successive halving: a sweep's configurations train in rungs of growing length,
// and only the best 1/eta of each rung (and one more the seeds cannot tell from the best) go on.

export const SuccessiveHalving = Type.Object(
  {
    type: Type.Literal('successive_halving'),
    /** The first rung's length in epochs; must be shorter than the task's `epochs`. */
    min_epochs: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** Each rung is eta times longer than the last, and keeps 1/eta of its configurations. */
    eta: Type.Integer({ minimum: 2, maximum: 100, default: 3 }),
    /** true: a rung trains each schedule compressed to the rung's length; false: the full schedule, truncated. */
    rescale: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

export const EarlyStopping = SuccessiveHalving;
export type EarlyStopping = Static<typeof EarlyStopping>;

/**
 * The rungs' lengths in epochs: min_epochs, min_epochs*eta, ... while shorter than the task's
 * epochs, then the task's epochs (the last rung is the full run, exactly the grid's trial).
 */
export function rungEpochs(es: Pick<EarlyStopping, 'min_epochs' | 'eta'>, epochs: number): number[] {
  const out: number[] = [];
  for (let b = es.min_epochs; b < epochs; b *= es.eta) out.push(b);
  out.push(epochs);
  return out;
}

/**
 * How many configurations go on from a rung of n: the best ceil(n/eta), plus at most one more
 * that the leaderboard's statistics call tied with the rung's best. With two or three seeds
 * nearly everything is "tied", so ties alone would promote the whole rung; one extra keeps the
 * budget within a factor of (1 + eta/n) of plain halving.
 */
export function maxPromoted(n: number, eta: number): number {
  return Math.min(n, Math.ceil(n / eta) + 1);
}

/** The most trials a halving sweep can create: every rung as full as maxPromoted allows. */
export function worstCaseTrials(configurations: number, seeds: number, es: Pick<EarlyStopping, 'min_epochs' | 'eta'>, epochs: number): number {
  let n = configurations;
  let total = 0;
  for (const [i] of rungEpochs(es, epochs).entries()) {
    if (i > 0) n = maxPromoted(n, es.eta);
    total += n * seeds;
  }
  return total;
}

/** What the schema cannot say: min_epochs must leave room for a longer rung. Paths relative to the body. */
export function earlyStoppingIssues(es: EarlyStopping, epochs: number): Issue[] {
  if (es.min_epochs >= epochs) {
    return [{ path: '/early_stopping/min_epochs', message: `min_epochs must be less than the task's epochs (${epochs}), got ${es.min_epochs}: the last rung is the full run` }];
  }
  return [];
}
