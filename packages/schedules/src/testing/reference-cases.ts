// Test support: the shared PyTorch reference file and a tolerance check matching the brief
// (relative 1e-12, absolute 1e-15 near zero).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrajectoryCase } from '../types.ts';

export interface ReferenceCase extends TrajectoryCase {
  id: string;
  expected: { lr: number[][]; momentum?: number[][] };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export function loadReferenceCases(): ReferenceCase[] {
  const file = path.resolve(repoRoot, '../shared/reference/lr-trajectories.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: ReferenceCase[] }).cases;
}

/** The first entry farther than rel 1e-12 / abs 1e-15 from `expected`, or null. */
export function firstMismatch(got: number[][], expected: number[][], rel = 1e-12, abs = 1e-15): string | null {
  if (got.length !== expected.length) return `${got.length} rows, expected ${expected.length}`;
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]!;
    const g = got[k]!;
    if (g.length !== e.length) return `row ${k}: ${g.length} groups, expected ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      const diff = Math.abs(g[i]! - e[i]!);
      if (!(diff <= abs || diff <= rel * Math.abs(e[i]!))) return `row ${k} group ${i}: got ${g[i]}, expected ${e[i]}`;
    }
  }
  return null;
}
