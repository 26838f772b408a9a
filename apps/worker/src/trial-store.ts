import {
  claimTrials,
  finishTrials,
  recordEpochs,
  releaseTrial,
  settleSweepStatuses,
  type ClaimedTrial,
  type EpochWrite,
  type EpochWritten,
  type FinishTrialInput,
  type PrismaClient,
  type SweepStatus,
} from '@lrsweep/db';
import { coalesce } from './coalesce.ts';

/**
 * The Postgres writes of a running trial, batched across the trials a worker process runs at
 * once (see coalesce): with one trial at a time each call is one statement as before; with
 * many, the claims, epochs, outcomes and status checks that arrive together share one.
 */
export interface TrialStore {
  claim(trialId: string, backend: string): Promise<ClaimedTrial | null>;
  recordEpoch(write: EpochWrite): Promise<EpochWritten | null>;
  finish(trialId: string, input: FinishTrialInput): Promise<boolean>;
  release(trialId: string): Promise<boolean>;
  settle(sweepId: string): Promise<SweepStatus | null>;
}

export function createTrialStore(db: PrismaClient, worker: string): TrialStore {
  const byTrial = { key: (x: { trialId: string }) => x.trialId };
  const claim = coalesce(async (items: Array<{ trialId: string; backend: string }>) => {
    // One backend per worker process in practice; grouped anyway so each claim records its own.
    const claimed = new Map<string, ClaimedTrial>();
    for (const backend of new Set(items.map((i) => i.backend))) {
      const ids = items.filter((i) => i.backend === backend).map((i) => i.trialId);
      for (const [id, c] of await claimTrials(db, ids, { worker, backend })) claimed.set(id, c);
    }
    return items.map((i) => claimed.get(i.trialId) ?? null);
  }, byTrial);
  const recordEpoch = coalesce(async (writes: EpochWrite[]) => {
    const written = await recordEpochs(db, writes);
    return writes.map((w) => written.get(w.trialId) ?? null);
  }, byTrial);
  const finish = coalesce(async (items: Array<FinishTrialInput & { trialId: string }>) => {
    const updated = await finishTrials(db, items);
    return items.map((i) => updated.has(i.trialId));
  }, byTrial);
  const settle = coalesce(async (sweepIds: string[]) => {
    const statuses = await settleSweepStatuses(db, sweepIds);
    return sweepIds.map((id) => statuses.get(id) ?? null);
  });
  return {
    claim: (trialId, backend) => claim({ trialId, backend }),
    recordEpoch,
    finish: (trialId, input) => finish({ trialId, ...input }),
    // Only at shutdown: nothing to batch.
    release: (trialId) => releaseTrial(db, trialId),
    settle,
  };
}
