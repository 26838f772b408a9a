import { describe, expect, it } from 'vitest';
import { DEFAULT_PACK, packSize } from './pack-size.ts';

describe('packSize', () => {
  it('packs on blas: LRSWEEP_PACK, or the default when unset; 1 turns packing off', () => {
    expect(packSize(undefined, 'blas')).toBe(DEFAULT_PACK);
    expect(packSize(4, 'blas')).toBe(4);
    expect(packSize(1, 'blas')).toBe(1);
  });

  it.each(['wasm', 'noop', 'tensorflow'])('trains one by one on %s, whatever LRSWEEP_PACK says', (backend) => {
    expect(packSize(undefined, backend)).toBe(1);
    expect(packSize(8, backend)).toBe(1);
  });
});
