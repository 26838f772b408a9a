import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, fromLegacyJsonCheckpoint, isLegacyJsonCheckpoint, type Checkpoint } from '@lrsweep/trainer';
import { removeCheckpointsBefore } from './external/checkpoint-files.ts';

// A built-in trial's checkpoint lives in a file of the worker's checkpoint directory (the same
// `checkpointDir` users' scripts write to), `<trialId>/checkpoint-<epoch>.bin`, and Trial.checkpoint
// holds only a pointer to it, written in the same statement as the epoch's row. Measured
// (`npm run bench:checkpoint`): 36 MNIST MLP checkpoints cost ~20-30 ms as files, ~200 ms as
// bytea in that statement. The file is written (to a .tmp, then renamed) BEFORE the row: a
// worker killed in between leaves a file nothing points to, never a pointer to nothing.

/** What Trial.checkpoint holds for a built-in trial. */
export interface CheckpointPointer {
  format: 'file';
  epoch: number;
  /** Relative to the checkpoint directory, so hosts may mount a shared one at different paths. */
  file: string;
}

/** What a claimed trial resumes from: its checkpoint, or nothing; `lost` says why a stored one could not be read. */
export type StoredCheckpoint = { resume?: Checkpoint; legacy?: true } | { lost: string };

export interface CheckpointFiles {
  /** Writes the checkpoint's file and returns the pointer to record with its epoch. */
  write(trialId: string, checkpoint: Checkpoint): Promise<CheckpointPointer>;
  /** Reads what Trial.checkpoint points to (or, from an older version, holds as JSON). */
  read(stored: unknown): Promise<StoredCheckpoint>;
  /** Deletes the trial's files of epochs before `epoch`; call it once the pointer to `epoch` is committed. */
  prune(trialId: string, epoch: number): Promise<void>;
  /** Deletes all of the trial's files. */
  remove(trialId: string): Promise<void>;
}

export function createCheckpointFiles(dir: string): CheckpointFiles {
  const dirOf = (trialId: string) => path.join(dir, trialId);
  return {
    async write(trialId, checkpoint) {
      const file = path.join(trialId, `checkpoint-${checkpoint.epoch}.bin`);
      // Every time (a few µs): the directory may have been removed since, by hand or a cleanup.
      await mkdir(dirOf(trialId), { recursive: true });
      const full = path.join(dir, file);
      // No fsync: a killed worker's writes are in the page cache; a host that loses power may
      // lose the file, which a resume reads as lost (training restarts from epoch 0, warned).
      await writeFile(`${full}.tmp`, encodeCheckpoint(checkpoint));
      await rename(`${full}.tmp`, full);
      return { format: 'file', epoch: checkpoint.epoch, file };
    },
    async read(stored) {
      if (stored === null || stored === undefined) return {};
      if (isLegacyJsonCheckpoint(stored)) {
        try {
          return { resume: fromLegacyJsonCheckpoint(stored), legacy: true };
        } catch (err) {
          return { lost: `Trial.checkpoint: ${(err as Error).message}` };
        }
      }
      const pointer = stored as Partial<CheckpointPointer>;
      if (pointer.format !== 'file' || typeof pointer.file !== 'string') return { lost: `Trial.checkpoint is not a checkpoint this worker reads (format ${JSON.stringify(pointer.format)})` };
      const full = path.join(dir, pointer.file);
      let bytes: Buffer;
      try {
        bytes = await readFile(full);
      } catch (err) {
        return { lost: `${full} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the checkpoint directory shared by every worker?` };
      }
      try {
        const resume = decodeCheckpoint(bytes);
        if (resume.epoch !== pointer.epoch) return { lost: `${full} holds epoch ${resume.epoch}, Postgres says ${pointer.epoch}` };
        return { resume };
      } catch (err) {
        return { lost: `${full}: ${(err as Error).message}` };
      }
    },
    prune: (trialId, epoch) => removeCheckpointsBefore(dirOf(trialId), epoch),
    remove: (trialId) => rm(dirOf(trialId), { recursive: true, force: true }),
  };
}
