/**
 * The Sobol low-discrepancy sequence (unscrambled), with Joe and Kuo's direction numbers
 * (new-joe-kuo-6.21201) for the first 21 dimensions: the points scipy.stats.qmc.Sobol(d,
 * scramble=False) gives, in the same order. A random search leaves clumps and holes in a small
 * budget; Sobol's first 2^k points put one point in every dyadic cell of each dimension.
 */

const BITS = 32;

/** [s, a, m_1..m_s] for dimensions 2..21 (dimension 1 is van der Corput: every m_k = 1). */
const JOE_KUO: ReadonlyArray<readonly number[]> = [
  [1, 0, 1],
  [2, 1, 1, 3],
  [3, 1, 1, 3, 1],
  [3, 2, 1, 1, 1],
  [4, 1, 1, 1, 3, 3],
  [4, 4, 1, 3, 5, 13],
  [5, 2, 1, 1, 5, 5, 17],
  [5, 4, 1, 1, 5, 5, 5],
  [5, 7, 1, 1, 7, 11, 19],
  [5, 11, 1, 1, 5, 1, 1],
  [5, 13, 1, 1, 1, 3, 11],
  [5, 14, 1, 3, 5, 5, 31],
  [6, 1, 1, 3, 3, 9, 7, 49],
  [6, 13, 1, 1, 1, 15, 21, 21],
  [6, 16, 1, 3, 1, 13, 27, 49],
  [6, 19, 1, 1, 1, 15, 7, 5],
  [6, 22, 1, 3, 1, 15, 13, 25],
  [6, 25, 1, 1, 5, 5, 19, 61],
  [7, 1, 1, 3, 7, 11, 23, 15, 103],
  [7, 4, 1, 3, 7, 13, 13, 15, 69],
];

export const SOBOL_MAX_DIMENSIONS = JOE_KUO.length + 1;

/** Direction numbers v_1..v_BITS of one dimension, as 32-bit integers (v_k = m_k / 2^k). */
function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, ...m] = JOE_KUO[dim - 1]!;
  for (let k = 0; k < s!; k++) v[k] = m[k]! * 2 ** (BITS - 1 - k);
  // The recurrence of the primitive polynomial x^s + a_1 x^(s-1) + ... + 1 over GF(2).
  for (let k = s!; k < BITS; k++) {
    let x = v[k - s!]! ^ (v[k - s!]! >>> s!);
    for (let j = 1; j < s!; j++) if ((a! >>> (s! - 1 - j)) & 1) x ^= v[k - j]!;
    v[k] = x >>> 0;
  }
  return v;
}

/** The `dims`-dimensional Sobol sequence in [0, 1)^dims, without end; its first point is all zeros. */
export function* sobolSequence(dims: number): Generator<number[]> {
  if (dims > SOBOL_MAX_DIMENSIONS) throw new RangeError(`Sobol points have at most ${SOBOL_MAX_DIMENSIONS} dimensions here, not ${dims}`);
  const v = Array.from({ length: dims }, (_, d) => directions(d));
  const x = new Uint32Array(dims);
  // Gray-code order (Antonov-Saleev): point i+1 is point i XOR the direction of the lowest zero bit of i.
  for (let i = 0; ; i++) {
    yield Array.from(x, (xi) => xi / 2 ** BITS);
    let c = 0;
    while ((i >>> c) & 1) c++;
    for (let d = 0; d < dims; d++) x[d] = (x[d]! ^ v[d]![c]!) >>> 0;
  }
}

/** Points `skip` .. `skip + n - 1` of the sequence. */
export function sobolPoints(dims: number, n: number, skip = 0): number[][] {
  const out: number[][] = [];
  for (const p of sobolSequence(dims)) {
    if (out.length === n) break;
    if (skip > 0) skip--;
    else out.push(p);
  }
  return out;
}
