// JSON cannot hold Infinity or NaN (ReduceLROnPlateau's `best` starts at inf), so state
// snapshots spell non-finite numbers as strings and turn them back on load.
const TAGS: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

export function encodeState(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(encodeState);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeState(x)]));
  return v;
}

export function decodeState(v: unknown): unknown {
  if (typeof v === 'string' && v in TAGS) return TAGS[v];
  if (Array.isArray(v)) return v.map(decodeState);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeState(x)]));
  return v;
}
