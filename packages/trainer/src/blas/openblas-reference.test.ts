import { describe, expect, it } from 'vitest';
import { openblasCoreType } from './openblas-reference.ts';

describe('the OpenBLAS reference', () => {
  it('names the OpenBLAS kernel family from CPU flags', () => {
    const avx512 = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd', 'avx2', 'fma', 'avx'];
    expect(openblasCoreType(new Set(avx512))).toBe('SkylakeX');
    expect(openblasCoreType(new Set(['avx2', 'fma', 'avx', 'avx512f']))).toBe('Haswell');
    expect(openblasCoreType(new Set(['avx', 'sse4_2']))).toBe('Sandybridge');
    expect(openblasCoreType(new Set(['sse2']))).toBeNull();
  });
});
