// JSON checkpoints (format 1, before the binary one) stored tensors as base64 of their raw
// little-endian float32 bytes; old ones in a database are still read (legacy-checkpoint.ts).

export function encodeFloat32(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  // Copy into a fresh buffer: Buffer's pool offset need not be 4-byte aligned.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
