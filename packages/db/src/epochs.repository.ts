import type { EpochRow } from '@lrsweep/contracts';
import { inTransaction, type DbClient } from './client.ts';

/**
 * An epoch row as the trainer reports it and the API returns it (`train_loss`, `val_loss`,
 * `val_acc`): the camelCase columns are Postgres's business and stop at this file.
 */
export type EpochInput = EpochRow;

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
    const metrics = { lr: row.lr, trainLoss: row.train_loss, valLoss: row.val_loss, valAcc: row.val_acc, seconds: row.seconds };
    await tx.epoch.upsert({
      where: { trialId_epoch: { trialId, epoch: row.epoch } },
      create: { trialId, epoch: row.epoch, ...metrics },
      update: metrics,
    });
    const epochsDone = await tx.epoch.count({ where: { trialId } });
    await tx.trial.update({ where: { id: trialId }, data: { epochsDone } });
    return { epochsDone };
  });
}

export async function listEpochs(db: DbClient, trialId: string): Promise<EpochView[]> {
  const rows = await db.epoch.findMany({
    where: { trialId },
    orderBy: { epoch: 'asc' },
    select: { epoch: true, lr: true, trainLoss: true, valLoss: true, valAcc: true, seconds: true, createdAt: true },
  });
  return rows.map((e) => ({ epoch: e.epoch, lr: e.lr, train_loss: e.trainLoss, val_loss: e.valLoss, val_acc: e.valAcc, seconds: e.seconds, createdAt: e.createdAt }));
}
