import type { BestEntry } from '@lrsweep/contracts';
import { describeSchedule } from '@lrsweep/schedules';

/**
 * `StepLR(step_size=5, gamma=0.1)` when the best is clear, or
 * `StepLR(step_size=5, gamma=0.1), tied with 3 others: A, B, C` when the seeds cannot tell
 * it from others. `bold` styles the winning call only.
 */
export function bestLine(best: Pick<BestEntry, 'schedule' | 'tied'>, bold: (s: string) => string = (s) => s): string {
  const call = bold(describeSchedule(best.schedule));
  const k = best.tied.length;
  if (k === 0) return call;
  return `${call}, tied with ${k} other${k === 1 ? '' : 's'}: ${best.tied.map((e) => describeSchedule(e.schedule)).join(', ')}`;
}
