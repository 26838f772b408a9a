import type { DbClient } from './client.ts';
import { isUuid } from './ids.ts';

// What a trial trained by a user's script carries besides the built-in trial's columns.

export interface ExternalTrialNotes {
  trainer: string | null;
  /** The last lines of the script's stdout and stderr. */
  outputTail: string | null;
  /** Why the lrs the script reported differ from the spec's trajectory; null when they agree. */
  lrMismatch: string | null;
}

export async function recordTrialTrainer(db: DbClient, trialId: string, trainer: string): Promise<void> {
  await db.trial.update({ where: { id: trialId }, data: { trainer } });
}

export async function saveOutputTail(db: DbClient, trialId: string, outputTail: string): Promise<void> {
  await db.trial.update({ where: { id: trialId }, data: { outputTail } });
}

/** Keeps the first mismatch: later epochs of a script that steps wrongly all disagree. */
export async function flagLrMismatch(db: DbClient, trialId: string, note: string): Promise<void> {
  await db.trial.updateMany({ where: { id: trialId, lrMismatch: null }, data: { lrMismatch: note } });
}

export async function getExternalTrialNotes(db: DbClient, trialId: string): Promise<ExternalTrialNotes | null> {
  if (!isUuid(trialId)) return null;
  return db.trial.findUnique({ where: { id: trialId }, select: { trainer: true, outputTail: true, lrMismatch: true } });
}
