import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Checkpoint } from '@lrsweep/trainer';
import { createCheckpointFiles } from './builtin-checkpoints.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-ckpt-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = createCheckpointFiles(dir);
const ckpt = (epoch: number): Checkpoint => ({
  format: 2,
  epoch,
  row: { epoch, lr: 0.1, train_loss: 1, val_loss: 1, val_acc: 0.5, seconds: 0.1 },
  backend: 'blas',
  weights: [Float32Array.from([1, 2, 3])],
  optimizerState: { type: 'SGD', step: 4, slots: { momentum_buffer: [Float32Array.from([0.5, 0.25, 0])] } },
  schedulerState: { format: 'lrsweep.schedules/1', type: 'StepLR', optimizer: {}, scheduler: {} },
  rng: { algorithm: 'mulberry32', seed: 3 },
});

describe('checkpoint files', () => {
  it('writes a file the pointer names, relative to the directory, and reads it back', async () => {
    const pointer = await files.write('t1', ckpt(2));
    expect(pointer).toEqual({ format: 'file', epoch: 2, file: path.join('t1', 'checkpoint-2.bin') });
    expect(readdirSync(path.join(dir, 't1'))).toEqual(['checkpoint-2.bin']); // no .tmp left
    expect(await files.read(pointer)).toEqual({ resume: ckpt(2) });
    // Another host mounting the same storage elsewhere reads it through its own directory.
    const moved = mkdtempSync(path.join(tmpdir(), 'lrsweep-ckpt-elsewhere-'));
    renameSync(path.join(dir, 't1'), path.join(moved, 't1'));
    expect(await createCheckpointFiles(moved).read(pointer)).toEqual({ resume: ckpt(2) });
    rmSync(moved, { recursive: true });
  });

  it('prunes only the epochs before the one named', async () => {
    for (const e of [0, 1, 2]) await files.write('t2', ckpt(e));
    await files.prune('t2', 2);
    expect(readdirSync(path.join(dir, 't2'))).toEqual(['checkpoint-2.bin']);
  });

  it('nothing stored is a fresh start', async () => {
    expect(await files.read(null)).toEqual({});
  });

  it.each([
    ['a missing file', { format: 'file', epoch: 1, file: 'nope/checkpoint-1.bin' }, /ENOENT.*shared by every worker/],
    ['a file of another epoch', { format: 'file', epoch: 9, file: 't3/checkpoint-3.bin' }, /holds epoch 3, Postgres says 9/],
    ['a pointer of an unknown format', { format: 'external', epoch: 1, path: '/x' }, /not a checkpoint this worker reads/],
    ['a format 1 JSON checkpoint without weights', { format: 1, epoch: 1 }, /without weights/],
  ])('%s is lost, with the reason', async (_name, stored, reason) => {
    await files.write('t3', ckpt(3));
    const read = await files.read(stored);
    expect(read).toEqual({ lost: expect.stringMatching(reason) });
  });
});
