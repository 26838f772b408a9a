// A sweep is not over when it ends: rerunTrials puts finished trials back to `queued`,
// extendSweep adds trials to it. Either turns a finished sweep back to `running`, so the
// status settles again (settleSweepStatuses) when the new work is done.
import { inTransaction, type DbClient, type Prisma } from './client.ts';
import type { TrialState } from './generated/prisma/enums.ts';
import { isUuid } from './ids.ts';
import { insertTrials, lockSweep, reopenSweep } from './add-trials.ts';

export interface RerunTrialsInput {
  sweepId: string;
  /** Every project when omitted. */
  project?: string;
  /** Finished states to rerun; queued and running trials are never touched. */
  states: readonly TrialState[];
  /** Forget the checkpoint, so the trial starts over at epoch 0 instead of resuming. */
  fresh: boolean;
}

export interface RerunTrialsResult {
  /** The trials now queued again: enqueue their jobs. */
  trialIds: string[];
  totalTrials: number;
}

/**
 * Puts a sweep's trials in `states` back to `queued`, outcome cleared. Their epoch rows stay:
 * epochs they train again overwrite theirs (recordEpochs upserts), as on a retry, and a trial
 * keeping its checkpoint resumes after the epoch it saved.
 * @returns null when the sweep does not exist (in `project`, if given).
 */
export async function rerunTrials(db: DbClient, input: RerunTrialsInput): Promise<RerunTrialsResult | null> {
  if (!isUuid(input.sweepId)) return null;
  const states = input.states.filter((s) => s !== 'queued' && s !== 'running');
  return inTransaction(db, async (tx) => {
    if (!(await lockSweep(tx, input.sweepId, input.project))) return null;
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Trial"
         SET state = 'queued', worker = NULL, error = NULL, "divergedEpoch" = NULL,
             "finalTrainLoss" = NULL, "finalValLoss" = NULL, "finalValAcc" = NULL, objective = NULL,
             seconds = NULL, "finishedAt" = NULL, "lrMismatch" = NULL, "updatedAt" = now(),
             checkpoint = CASE WHEN ${input.fresh} THEN NULL ELSE checkpoint END
       WHERE "sweepId" = ${input.sweepId}::uuid AND state::text = ANY(${states}::text[])
      RETURNING id::text AS id`;
    const totalTrials = await tx.trial.count({ where: { sweepId: input.sweepId } });
    if (rows.length > 0) await reopenSweep(tx, input.sweepId, totalTrials);
    return { trialIds: rows.map((r) => r.id), totalTrials };
  });
}

export interface SweepConfiguration {
  /** As the user wrote it, grid axes resolved. */
  schedule: Prisma.InputJsonValue;
  /** Its canonical form's key: equal keys are one configuration. */
  scheduleKey: string;
}

export interface ExtendSweepInput {
  sweepId: string;
  /** Every project when omitted. */
  project?: string;
  configurations: SweepConfiguration[];
  seeds: number[];
  /** The most trials the sweep may have afterwards. */
  maxTrials: number;
  /**
   * The key of a schedule, as `configurations` were keyed: the sweep's own trials are keyed
   * again with it (and their stored key rewritten where it differs), so a sweep created
   * before the canonical form groups and deduplicates with the trials added now.
   */
  keyOf: (schedule: Prisma.JsonValue) => string;
}

export type ExtendSweepResult =
  | {
      trialIds: string[];
      totalTrials: number;
      /** Keys among `configurations` the sweep already had. */
      knownKeys: Set<string>;
      /** Seeds among `seeds` the sweep already had. */
      knownSeeds: Set<number>;
    }
  | { overLimit: number };

/**
 * Adds every (configuration, seed) pair the sweep lacks once `configurations` and `seeds` join
 * its own: new configurations x all seeds, and new seeds x all configurations. Decided under
 * the sweep's row lock, so two extensions at once cannot add the same pair twice.
 * @returns null when the sweep does not exist (in `project`, if given); `overLimit` (the
 * total it would reach) when that passes `maxTrials`, with nothing written.
 */
export async function extendSweep(db: DbClient, input: ExtendSweepInput): Promise<ExtendSweepResult | null> {
  if (!isUuid(input.sweepId)) return null;
  const { sweepId } = input;
  return inTransaction(db, async (tx) => {
    if (!(await lockSweep(tx, sweepId, input.project))) return null;
    const stored = await tx.trial.findMany({ where: { sweepId }, select: { id: true, index: true, scheduleKey: true, schedule: true, seed: true }, orderBy: { index: 'asc' } });
    const existing = stored.map((t) => ({ ...t, scheduleKey: input.keyOf(t.schedule) }));
    const stale = existing.filter((t, i) => t.scheduleKey !== stored[i]!.scheduleKey);
    if (stale.length > 0) {
      await tx.$executeRaw`
        UPDATE "Trial" AS t SET "scheduleKey" = k.key
          FROM unnest(${stale.map((s) => s.id)}::uuid[], ${stale.map((s) => s.scheduleKey)}::text[]) AS k(id, key)
         WHERE t.id = k.id`;
    }
    const pairs = new Set(existing.map((t) => `${t.seed} ${t.scheduleKey}`));
    const configurations = new Map<string, Prisma.InputJsonValue>();
    const seeds: number[] = [];
    for (const t of existing) {
      if (!configurations.has(t.scheduleKey)) configurations.set(t.scheduleKey, t.schedule as Prisma.InputJsonValue);
      if (!seeds.includes(t.seed)) seeds.push(t.seed);
    }
    const knownKeys = new Set(input.configurations.map((c) => c.scheduleKey).filter((k) => configurations.has(k)));
    const knownSeeds = new Set(input.seeds.filter((s) => seeds.includes(s)));
    for (const c of input.configurations) if (!configurations.has(c.scheduleKey)) configurations.set(c.scheduleKey, c.schedule);
    for (const s of input.seeds) if (!seeds.includes(s)) seeds.push(s);

    const added: Array<SweepConfiguration & { seed: number }> = [];
    for (const [scheduleKey, schedule] of configurations) {
      for (const seed of seeds) if (!pairs.has(`${seed} ${scheduleKey}`)) added.push({ scheduleKey, schedule, seed });
    }
    const totalTrials = existing.length + added.length;
    if (totalTrials > input.maxTrials) return { overLimit: totalTrials };
    const first = (existing.at(-1)?.index ?? -1) + 1;
    const trialIds = await insertTrials(tx, sweepId, first, added);
    if (added.length > 0) await reopenSweep(tx, sweepId, totalTrials);
    return { trialIds, totalTrials, knownKeys, knownSeeds };
  });
}
