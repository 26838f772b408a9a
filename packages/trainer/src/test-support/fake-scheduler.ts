import type { OptimizerSpec } from '../optimizers/optimizer.types.ts';
import type { ScheduleSpec, Scheduler } from '../training/scheduler.types.ts';

// Stand-in for @lrsweep/schedules while it is being written: StepLR, ReduceLROnPlateau
// (mode min, threshold 0) and ConstantLR-like 'constant', with torch's formulas. Tests only.
export function fakeScheduler(spec: ScheduleSpec, optimizer: OptimizerSpec): Scheduler {
  const base = optimizer.lr;
  let lr = base;
  let epoch = 0;
  let best = Infinity;
  let bad = 0;
  const s = spec as ScheduleSpec & { step_size?: number; gamma?: number; factor?: number; patience?: number };
  return {
    interval: spec.interval ?? 'epoch',
    get lrs() {
      return [lr];
    },
    momentums: null,
    step(metric?: number) {
      epoch++;
      if (spec.type === 'StepLR') lr = base * (s.gamma ?? 0.1) ** Math.floor(epoch / s.step_size!);
      if (spec.type === 'ReduceLROnPlateau') {
        if (metric === undefined) throw new Error('ReduceLROnPlateau needs a metric');
        if (metric < best) (best = metric), (bad = 0);
        else if (++bad > (s.patience ?? 10)) (lr *= s.factor ?? 0.1), (bad = 0);
      }
    },
    stateDict: () => ({ lr, epoch, best, bad }),
    loadStateDict(st: { lr: number; epoch: number; best: number; bad: number }) {
      ({ lr, epoch, best, bad } = st);
    },
  };
}
