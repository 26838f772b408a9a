import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointFileEpoch, removeCheckpointsBefore } from './checkpoint-files.ts';

describe('checkpoint files', () => {
  it("reads the epoch from lrsweep's file names only", () => {
    expect(checkpointFileEpoch('checkpoint-12.json')).toBe(12);
    expect(checkpointFileEpoch('checkpoint-3.pt.tmp')).toBe(3);
    expect(checkpointFileEpoch('checkpoint.json')).toBeNull();
    expect(checkpointFileEpoch('model-3.pt')).toBeNull();
  });

  it('deletes the files of older epochs and keeps the committed one, newer ones and any other file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lrsweep-checkpoints-'));
    for (const name of ['checkpoint-0.json', 'checkpoint-1.json', 'checkpoint-1.json.tmp', 'checkpoint-2.json', 'checkpoint-3.json.tmp', 'checkpoint-3.json', 'notes.txt']) {
      writeFileSync(path.join(dir, name), '{}');
    }
    await removeCheckpointsBefore(dir, 2);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint-2.json', 'checkpoint-3.json', 'checkpoint-3.json.tmp', 'notes.txt']);
  });

  it('is a no-op for a directory that is gone', async () => {
    await expect(removeCheckpointsBefore(path.join(tmpdir(), 'lrsweep-no-such-dir'), 5)).resolves.toBeUndefined();
  });
});
