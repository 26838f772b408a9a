import { CheckpointFormatError } from '../errors.ts';
import type { Checkpoint } from './train.types.ts';

// A checkpoint as bytes: the float32 values (weights, then optimizer slots) raw, after a small
// JSON header with everything else and each array's length. No base64 and no JSON of numbers:
// encoding an MNIST MLP's ~0.8 MB is one copy.
//
//   "LRSWCKPT"  u32 version  u32 header bytes  header (UTF-8 JSON)  zero padding to 4  float32 LE...
//
// Little-endian, as every host Node runs training on is.
const MAGIC = 'LRSWCKPT';
const VERSION = 2;
const PREFIX = MAGIC.length + 8;

interface Header extends Omit<Checkpoint, 'format' | 'weights' | 'optimizerState'> {
  weights: number[];
  optimizer: { type: Checkpoint['optimizerState']['type']; step: number; slots: Record<string, (number | null)[]> };
  /** Bytes of float32 data after the header, so a truncated file is told apart from a short model. */
  dataBytes: number;
}

export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const { weights, optimizerState: opt, format: _format, ...rest } = ckpt;
  const slots = Object.entries(opt.slots);
  const arrays = [...weights, ...slots.flatMap(([, values]) => values.filter((v) => v !== null))];
  const header: Header = {
    ...rest,
    weights: weights.map((w) => w.length),
    optimizer: { type: opt.type, step: opt.step, slots: Object.fromEntries(slots.map(([name, values]) => [name, values.map((v) => v?.length ?? null)])) },
    dataBytes: arrays.reduce((n, a) => n + a.byteLength, 0),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREFIX + json.length);
  const out = new Uint8Array(dataStart + header.dataBytes);
  out.set(new TextEncoder().encode(MAGIC));
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC.length, VERSION, true);
  view.setUint32(MAGIC.length + 4, json.length, true);
  out.set(json, PREFIX);
  let at = dataStart;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/** The checkpoint `encodeCheckpoint` wrote; throws CheckpointFormatError for anything else. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < PREFIX || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new CheckpointFormatError(`does not start with '${MAGIC}' (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== VERSION) throw new CheckpointFormatError(`version ${version}, this trainer reads version ${VERSION}`);
  const headerBytes = view.getUint32(MAGIC.length + 4, true);
  if (PREFIX + headerBytes > bytes.length) throw new CheckpointFormatError(`truncated in its header (${bytes.length} bytes)`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerBytes))) as Header;
  } catch (err) {
    throw new CheckpointFormatError(`header is not JSON (${(err as Error).message})`);
  }
  const dataStart = align4(PREFIX + headerBytes);
  if (bytes.length !== dataStart + header.dataBytes) {
    throw new CheckpointFormatError(`${bytes.length} bytes, its header says ${dataStart + header.dataBytes} (truncated or appended to)`);
  }
  let at = dataStart;
  const take = (length: number): Float32Array => {
    // Before allocating: a corrupt header must not ask for gigabytes.
    if (!(Number.isInteger(length) && length >= 0 && at + length * 4 <= bytes.length)) {
      throw new CheckpointFormatError(`a tensor of ${length} values does not fit in the ${bytes.length - at} bytes left`);
    }
    const out = new Float32Array(length);
    // Copied out: the data need not be 4-byte aligned in `bytes`' buffer (a pooled Buffer).
    new Uint8Array(out.buffer).set(bytes.subarray(at, at + length * 4));
    at += length * 4;
    return out;
  };
  const { weights, optimizer, dataBytes: _dataBytes, ...rest } = header;
  const ckpt: Checkpoint = {
    ...rest,
    format: 2,
    weights: weights.map(take),
    optimizerState: {
      type: optimizer.type,
      step: optimizer.step,
      slots: Object.fromEntries(Object.entries(optimizer.slots).map(([name, lengths]) => [name, lengths.map((n) => (n === null ? null : take(n)))])),
    },
  };
  if (at !== bytes.length) throw new CheckpointFormatError(`array lengths cover ${at - dataStart} of ${header.dataBytes} data bytes`);
  return ckpt;
}

const align4 = (n: number) => (n + 3) & ~3;
