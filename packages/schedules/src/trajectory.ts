// Runs a case the way the reference file was produced: row 0 right after construction, then
// one row per (optimizer.step(); scheduler.step()) pair.
import { createScheduler } from './create-scheduler.ts';
import type { Trajectory, TrajectoryCase } from './types.ts';

export function trajectory(c: TrajectoryCase): Trajectory {
  const s = createScheduler(c.scheduler, c.optimizer);
  const lr: number[][] = [s.lrs.slice()];
  const momentum: number[][] = [];
  const m0 = s.momentums;
  if (m0) momentum.push(m0.slice());
  for (let k = 0; k < c.steps; k++) {
    s.step(c.metrics?.[k]);
    lr.push(s.lrs.slice());
    const m = s.momentums;
    if (m) momentum.push(m.slice());
  }
  const result: Trajectory = c.id === undefined ? { lr } : { id: c.id, lr };
  if (s.momentums) result.momentum = momentum;
  return result;
}
