import type { OptimizerSpec } from '../optimizers/optimizer.types.ts';
import type { ScheduleSpec, Scheduler } from '../training/scheduler.types.ts';

// Stand-in for @lrsweep/schedules while it is being written: StepLR, ReduceLROnPlateau
// (mode min, threshold 1e-4 rel, no cooldown) and OneCycleLR's lr (cos, two phases), with torch's
// formulas; anything else keeps the lr constant. Tests only.
export function fakeScheduler(spec: ScheduleSpec, optimizer: OptimizerSpec): Scheduler {
  const base = optimizer.lr;
  let lr = base;
  let epoch = 0;
  let best = Infinity;
  let bad = 0;
  const s = spec as ScheduleSpec & Partial<Record<string, number>>;
  if (spec.type === 'OneCycleLR') lr = oneCycle(s, 0);
  return {
    interval: spec.interval ?? 'epoch',
    get lrs() {
      return [lr];
    },
    momentums: null,
    step(metric?: number) {
      epoch++;
      if (spec.type === 'StepLR') lr = base * (s.gamma ?? 0.1) ** Math.floor(epoch / s.step_size!);
      if (spec.type === 'OneCycleLR') lr = oneCycle(s, epoch);
      if (spec.type === 'ReduceLROnPlateau') {
        if (metric === undefined) throw new Error('ReduceLROnPlateau needs a metric');
        if (metric < best * (1 - 1e-4)) (best = metric), (bad = 0);
        else if (++bad > (s.patience ?? 10)) (lr *= s.factor ?? 0.1), (bad = 0);
      }
    },
    stateDict: () => ({ lr, epoch, best, bad }),
    loadStateDict(st: { lr: number; epoch: number; best: number; bad: number }) {
      ({ lr, epoch, best, bad } = st);
    },
  };
}

function oneCycle(s: Partial<Record<string, number>>, step: number): number {
  const total = s.total_steps ?? s.epochs! * s.steps_per_epoch!;
  const initial = s.max_lr! / (s.div_factor ?? 25);
  const min = initial / (s.final_div_factor ?? 1e4);
  const warmEnd = (s.pct_start ?? 0.3) * total - 1;
  const cos = (from: number, to: number, pct: number) => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * pct));
  return step <= warmEnd ? cos(initial, s.max_lr!, step / warmEnd) : cos(s.max_lr!, min, (step - warmEnd) / (total - 1 - warmEnd));
}
