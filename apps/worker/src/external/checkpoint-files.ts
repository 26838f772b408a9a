import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

// lrsweep's Trial.checkpoint() (python/lrsweep/trial.py) writes each epoch to a file of its own,
// `checkpoint-<epoch>.json` or `.pt` (through a `.tmp` of the same name), and never deletes one:
// the worker may die before it records an epoch, and the retry must still find the file that
// Postgres points to. Deleting the older files is the worker's, once a newer pointer is committed.
const CHECKPOINT_FILE = /^checkpoint-(\d+)\./;

/** The epoch a checkpoint file of lrsweep's belongs to, or null for any other file. */
export function checkpointFileEpoch(name: string): number | null {
  const match = CHECKPOINT_FILE.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * Deletes the trial's checkpoint files of epochs before `epoch`. Call it only after the pointer
 * to `epoch` is committed: until then a resume may need them. Files of `epoch` and later stay
 * (the script may already be writing the next one), and so does every file not of lrsweep's.
 */
export async function removeCheckpointsBefore(dir: string, epoch: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const older = names.filter((name) => (checkpointFileEpoch(name) ?? epoch) < epoch);
  await Promise.all(older.map((name) => rm(path.join(dir, name), { force: true })));
}
