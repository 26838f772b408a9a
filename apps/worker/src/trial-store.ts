import {
  claimTrials,
  dropTrialProgress,
  findTrialIds,
  finishTrials,
  flagLrMismatch,
  isTrialCancelled,
  listEpochs,
  recordEpochs,
  recordPack,
  recordTrialTrainer,
  releaseTrial,
  saveCheckpoint,
  saveOutputTail,
  settleSweeps,
  type ClaimedTrial,
  type EpochView,
  type EpochWrite,
  type EpochWritten,
  type FinishTrialInput,
  type Prisma,
  type PrismaClient,
  type SweepSettled,
} from '@lrsweep/db';
import { coalesce } from './coalesce.ts';

/**
 * A claim that found nothing to train: `finished` is a trial that is done or cancelled (its job
 * has nothing to do), `unknown` one that is not in this database at all.
 */
export type ClaimMiss = 'finished' | 'unknown';

/**
 * Every Postgres read and write of a running trial, for the lifecycle only. The hot ones
 * (claims, epochs, outcomes, status checks) are batched across the trials a worker process runs
 * at once (see coalesce): with one trial at a time each call is one statement as before; with
 * many, the calls that arrive together share one.
 */
export interface TrialStore {
  claim(trialId: string, backend: string): Promise<ClaimedTrial | ClaimMiss>;
  recordEpoch(write: EpochWrite): Promise<EpochWritten | null>;
  finish(trialId: string, input: FinishTrialInput): Promise<boolean>;
  release(trialId: string): Promise<boolean>;
  /** The sweep's status, and the next round's trials when this settle ended a round (seed racing). */
  settle(sweepId: string): Promise<SweepSettled | null>;
  isCancelled(trialId: string): Promise<boolean>;
  /** A checkpoint that arrives apart from its epoch (a script writes its own file). */
  saveCheckpoint(trialId: string, checkpoint: Prisma.InputJsonValue): Promise<void>;
  listEpochs(trialId: string): Promise<EpochView[]>;
  /** Forgets the trial's epochs and checkpoint (a lost checkpoint: it trains from epoch 0 again). */
  dropProgress(trialId: string): Promise<void>;
  recordTrainer(trialId: string, trainer: string): Promise<void>;
  /** Marks the trials of one runner call as one pack (`packId`, and its size). */
  recordPack(trialIds: string[], packId: string): Promise<void>;
  saveOutputTail(trialId: string, tail: string): Promise<void>;
  flagLrMismatch(trialId: string, note: string): Promise<void>;
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
    // Only a claim that missed pays for the second look.
    const missed = items.filter((i) => !claimed.has(i.trialId)).map((i) => i.trialId);
    const known = missed.length > 0 ? await findTrialIds(db, missed) : new Set<string>();
    return items.map((i): ClaimedTrial | ClaimMiss => claimed.get(i.trialId) ?? (known.has(i.trialId) ? 'finished' : 'unknown'));
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
    const settled = await settleSweeps(db, sweepIds);
    // Trials of one sweep settled together share one answer; only the first hears of a round
    // added, so its jobs are enqueued and its event published once.
    const told = new Set<string>();
    return sweepIds.map((id) => {
      const s = settled.get(id);
      if (!s?.advanced || told.has(id)) return s ? { ...s, advanced: null } : null;
      told.add(id);
      return s;
    });
  });
  return {
    claim: (trialId, backend) => claim({ trialId, backend }),
    recordEpoch,
    finish: (trialId, input) => finish({ trialId, ...input }),
    settle,
    // The rest are rare (shutdown, a script's notes, a poll a second): nothing to batch.
    release: (trialId) => releaseTrial(db, trialId),
    isCancelled: (trialId) => isTrialCancelled(db, trialId),
    saveCheckpoint: (trialId, checkpoint) => saveCheckpoint(db, trialId, checkpoint),
    listEpochs: (trialId) => listEpochs(db, trialId),
    dropProgress: async (trialId) => void (await dropTrialProgress(db, trialId)),
    recordTrainer: (trialId, trainer) => recordTrialTrainer(db, trialId, trainer),
    recordPack: (trialIds, packId) => recordPack(db, trialIds, packId),
    saveOutputTail: (trialId, tail) => saveOutputTail(db, trialId, tail),
    flagLrMismatch: (trialId, note) => flagLrMismatch(db, trialId, note),
  };
}
