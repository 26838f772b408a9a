import { inTransaction, type DbClient } from './client.ts';

export interface EpochInput {
  epoch: number;
  lr: number;
  trainLoss: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
}

export interface EpochView extends EpochInput {
  createdAt: Date;
}

/**
 * Writes one epoch's metrics. A retried trial re-reports epochs it already wrote, so this is an
 * upsert on (trialId, epoch), and epochsDone is recounted rather than incremented.
 * @returns the trial's epochsDone afterwards.
 */
export async function recordEpoch(db: DbClient, trialId: string, row: EpochInput): Promise<{ epochsDone: number }> {
  return inTransaction(db, async (tx) => {
    const { epoch, ...metrics } = row;
    await tx.epoch.upsert({
      where: { trialId_epoch: { trialId, epoch } },
      create: { trialId, ...row },
      update: metrics,
    });
    const epochsDone = await tx.epoch.count({ where: { trialId } });
    await tx.trial.update({ where: { id: trialId }, data: { epochsDone } });
    return { epochsDone };
  });
}

export async function listEpochs(db: DbClient, trialId: string): Promise<EpochView[]> {
  return db.epoch.findMany({
    where: { trialId },
    orderBy: { epoch: 'asc' },
    select: { epoch: true, lr: true, trainLoss: true, valLoss: true, valAcc: true, seconds: true, createdAt: true },
  });
}
