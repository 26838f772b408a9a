// Checkpoints travel as JSON (into Postgres or a job payload), so tensors become base64 of
// their raw little-endian float32 bytes: exact, and ~4/3 the binary size.

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
