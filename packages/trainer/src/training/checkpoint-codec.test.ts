import { describe, expect, it } from 'vitest';
import { CheckpointFormatError } from '../errors.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.ts';
import type { Checkpoint } from './train.types.ts';

const floats = (n: number, from: number) => Float32Array.from({ length: n }, (_, i) => from + i / 7);

function sample(): Checkpoint {
  return {
    format: 2,
    epoch: 3,
    row: { epoch: 3, lr: 0.05, train_loss: 0.4, val_loss: 0.5, val_acc: 0.875, seconds: 1.25 },
    backend: 'blas',
    // Odd lengths, so the data after each array is not 8-byte aligned.
    weights: [floats(15, 0), floats(3, 100), new Float32Array([NaN, -0, Infinity])],
    optimizerState: { type: 'Adam', step: 42, slots: { exp_avg: [floats(15, 1), null, floats(3, 2)], exp_avg_sq: [null, floats(3, 3), null] } },
    schedulerState: { format: 'lrsweep.schedules/1', type: 'StepLR', optimizer: { lr: 0.05 }, scheduler: { last_epoch: 3, base_lrs: [0.1] } },
    rng: { algorithm: 'mulberry32', seed: 11 },
  };
}

/** `b` with its JSON header edited (and re-laid out), its data as it was. */
function withHeader(b: Uint8Array, edit: (header: { weights: number[] }) => void): Uint8Array {
  const PREFIX = 16; // magic, version, header length
  const align4 = (n: number) => Math.ceil(n / 4) * 4;
  const length = Buffer.from(b).readUInt32LE(12);
  const header = JSON.parse(Buffer.from(b.subarray(PREFIX, PREFIX + length)).toString('utf8')) as { weights: number[] };
  edit(header);
  const json = Buffer.from(JSON.stringify(header));
  const data = b.subarray(align4(PREFIX + length));
  const out = Buffer.alloc(align4(PREFIX + json.length) + data.length);
  out.set(b.subarray(0, 12));
  out.writeUInt32LE(json.length, 12);
  out.set(json, PREFIX);
  out.set(data, align4(PREFIX + json.length));
  return out;
}

describe('checkpoint codec', () => {
  it('round-trips every field and every float bit, nulls and empty slots included', () => {
    const ckpt = sample();
    const back = decodeCheckpoint(encodeCheckpoint(ckpt));
    expect(back).toEqual(ckpt);
    expect(back.weights[2]![1]).toBe(-0);
    expect(back.optimizerState.slots.exp_avg![1]).toBeNull();
  });

  it('stores floats as 4 bytes each, not as text', () => {
    const ckpt = { ...sample(), weights: [new Float32Array(100_000)] };
    const bytes = encodeCheckpoint(ckpt);
    const dataBytes = (100_000 + 15 + 3 + 3 + 3 + 3) * 4;
    expect(bytes.length).toBeGreaterThan(dataBytes);
    expect(bytes.length).toBeLessThan(dataBytes + 1024);
  });

  it('decodes from a Buffer at an unaligned offset (as a pooled read returns)', () => {
    const bytes = encodeCheckpoint(sample());
    const padded = Buffer.alloc(bytes.length + 1);
    padded.set(bytes, 1);
    expect(decodeCheckpoint(padded.subarray(1))).toEqual(sample());
  });

  it('a model with no variables (the noop backend) round-trips', () => {
    const ckpt: Checkpoint = { ...sample(), weights: [], optimizerState: { type: 'SGD', step: 0, slots: {} } };
    expect(decodeCheckpoint(encodeCheckpoint(ckpt))).toEqual(ckpt);
  });

  it.each([
    ['cut in its data', (b: Uint8Array) => b.subarray(0, b.length - 4), /header says/],
    ['cut in its header', (b: Uint8Array) => b.subarray(0, 30), /truncated in its header/],
    ['cut before its header', (b: Uint8Array) => b.subarray(0, 10), /does not start with/],
    ['appended to', (b: Uint8Array) => Buffer.concat([b, Buffer.alloc(8)]), /header says/],
    ['JSON (a format 1 checkpoint)', () => Buffer.from(JSON.stringify({ format: 1, weights: [] })), /does not start with 'LRSWCKPT'/],
    ['empty', () => new Uint8Array(0), /does not start with/],
    ['of another version', (b: Uint8Array) => Object.assign(Buffer.from(b), { 8: 9 }), /version 9/],
    ['whose header claims more floats than it holds', (b: Uint8Array) => withHeader(b, (h) => (h.weights[0] = 2 ** 28)), /does not fit/],
  ])('a blob %s is a CheckpointFormatError that says why', (_name, mangle, message) => {
    const bytes = mangle(encodeCheckpoint(sample()));
    expect(() => decodeCheckpoint(bytes)).toThrow(CheckpointFormatError);
    expect(() => decodeCheckpoint(bytes)).toThrow(message);
  });
});
