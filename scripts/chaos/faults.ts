import { mulberry32 } from '@lrsweep/stats';

/** The faults a chaos run injects, each at a seeded random moment. */
export const FAULT_KINDS = ['kill-worker', 'restart-api', 'restart-redis', 'flush-redis', 'restart-postgres', 'wrong-database-worker'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** Milliseconds after the sweep was submitted. */
  atMs: number;
  kind: FaultKind;
  /** Which worker, for kill-worker; which signal the API gets, for restart-api. */
  pick: number;
}

/**
 * `count` faults at random moments in [0, windowMs), sorted. Every kind appears once when
 * count allows (so each seed exercises them all), the rest drawn at random.
 */
export function faultSchedule(seed: number, count: number, windowMs: number): Fault[] {
  // mulberry32, the tree's seeded PRNG: a seed names one schedule of faults exactly.
  const random = mulberry32(seed);
  const kinds: FaultKind[] = [...FAULT_KINDS].slice(0, count);
  while (kinds.length < count) kinds.push(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!);
  return kinds
    .map((kind) => ({ kind, atMs: Math.floor(random() * windowMs), pick: Math.floor(random() * 1_000) }))
    .sort((a, b) => a.atMs - b.atMs);
}
