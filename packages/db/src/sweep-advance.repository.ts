// A sweep that grows round by round (seed racing; successive halving plugs in the same way):
// when every trial of a round has finished, a strategy looks at the results and names the
// trials of the next round, each with why. The decision and the insert happen under the
// sweep's row lock, in the transaction that would otherwise mark the sweep finished
// (refreshSweep in sweep-status.repository.ts), so
// - the sweep is never `completed` between rounds (nor does its stream end: the events'
//   final check reads that status);
// - two workers finishing the last trials at once cannot both add a round: the second finds
//   the first's trials queued, so not every trial is finished;
// - the trials added depend on the results alone, never on which worker finished first.
// The caller enqueues the added trials' jobs (the worker's sweep-advanced.ts, the API's
// reconciler); were it to die first, the reconciler enqueues them as it does any lost job.
import type { SweepReopenedEvent } from '@lrsweep/contracts';
import type { Prisma, TransactionClient } from './client.ts';
import type { TrialState } from './generated/prisma/enums.ts';
import { insertTrials, reopenSweep, type NewTrial } from './add-trials.ts';
import { seedRace } from './seed-race.advance.ts';
import type { ObjectiveMode } from './sweeps.repository.ts';

/** The sweep as a strategy sees it. */
export interface AdvancingSweep {
  id: string;
  /** The request it was created from (CreateSweepBody). */
  spec: Prisma.JsonValue;
  objectiveMode: ObjectiveMode;
}

/** A trial of the sweep, every one finished when a strategy is asked. */
export interface FinishedTrial {
  index: number;
  scheduleKey: string;
  schedule: Prisma.JsonValue;
  seed: number;
  state: TrialState;
  /** The objective of a completed trial; null otherwise. */
  objective: number | null;
}

/** A trial a strategy adds, and why (shown on the trial: REST, CLI, dashboard). */
export type NextTrial = NewTrial & { reason: string };

/** One way of growing a sweep round by round. */
export interface SweepAdvance {
  /** The `sweep.reopened` event's reason when this strategy adds trials. */
  name: SweepReopenedEvent['reason'];
  /** Whether the sweep's spec asks for this strategy. */
  appliesTo(spec: Prisma.JsonValue): boolean;
  /**
   * The next round's trials given every trial so far, all finished (in index order); none
   * when the sweep is done. A function of its arguments alone: that is what makes the same
   * spec give the same trials.
   */
  next(sweep: AdvancingSweep, trials: readonly FinishedTrial[]): NextTrial[];
}

/** Every strategy; a sweep follows the first that applies to its spec. */
const ADVANCES: readonly SweepAdvance[] = [seedRace];

export interface SweepAdvanced {
  /** The strategy that added them: the `sweep.reopened` event's reason. */
  reason: SweepReopenedEvent['reason'];
  /** The trials added, queued: enqueue their jobs. */
  trialIds: string[];
  /** The sweep's trials in all, afterwards. */
  totalTrials: number;
}

/**
 * Asks the sweep's strategy for its next round and inserts it. Call only with the sweep's row
 * locked in `tx` and every one of its trials finished.
 * @returns null when the sweep follows no strategy or its strategy adds nothing (it is done).
 */
export async function advanceLockedSweep(tx: TransactionClient, sweepId: string): Promise<SweepAdvanced | null> {
  const sweep = await tx.sweep.findUnique({ where: { id: sweepId }, select: { id: true, spec: true, objectiveMode: true } });
  const strategy = sweep && ADVANCES.find((a) => a.appliesTo(sweep.spec));
  if (!sweep || !strategy) return null;
  const trials = await tx.trial.findMany({
    where: { sweepId },
    select: { index: true, scheduleKey: true, schedule: true, seed: true, state: true, objective: true },
    orderBy: { index: 'asc' },
  });
  // A strategy naming a pair the sweep has would add it again every round: never.
  const had = new Set(trials.map((t) => `${t.seed} ${t.scheduleKey}`));
  const next = strategy.next({ ...sweep, objectiveMode: sweep.objectiveMode as ObjectiveMode }, trials).filter((t) => !had.has(`${t.seed} ${t.scheduleKey}`));
  if (next.length === 0) return null;
  const trialIds = await insertTrials(tx, sweepId, (trials.at(-1)?.index ?? -1) + 1, next);
  const totalTrials = trials.length + next.length;
  await reopenSweep(tx, sweepId, totalTrials);
  return { reason: strategy.name, trialIds, totalTrials };
}
