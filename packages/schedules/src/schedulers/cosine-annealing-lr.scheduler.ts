// CosineAnnealingLR, with PyTorch's recursive update (not the closed form): the reference
// compares at 1e-12 and the recursion's rounding differs from the closed form's.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import { pyMod } from '../expression/python-math.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class CosineAnnealingLR extends LRScheduler {
  readonly kind = 'CosineAnnealingLR';

  constructor(
    opt: OptimizerState,
    private readonly tMax: number,
    private readonly etaMin: number,
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const e = this.lastEpoch;
    const T = this.tMax;
    const eta = this.etaMin;
    if (this.isInitial) {
      for (let g = 0; g < out.length; g++) out[g] = lr[g]!;
    } else if (this.stepCount === 1 && e > 0) {
      for (let g = 0; g < out.length; g++) out[g] = eta + ((this.baseLrs[g]! - eta) * (1 + Math.cos((e * Math.PI) / T))) / 2;
    } else if (pyMod(e - 1 - T, 2 * T) === 0) {
      // At the trough the ratio form would divide by 1 + cos(pi) = 0; PyTorch adds the step instead.
      for (let g = 0; g < out.length; g++) out[g] = lr[g]! + ((this.baseLrs[g]! - eta) * (1 - Math.cos(Math.PI / T))) / 2;
    } else {
      const ratio = (1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T));
      for (let g = 0; g < out.length; g++) out[g] = ratio * (lr[g]! - eta) + eta;
    }
  }

  protected override closedFormLr(out: number[]): boolean {
    const c = 1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax);
    for (let g = 0; g < out.length; g++) out[g] = this.etaMin + ((this.baseLrs[g]! - this.etaMin) * c) / 2;
    return true;
  }
}

export const cosineAnnealingLRDefinition: ScheduleDefinition = {
  type: 'CosineAnnealingLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const tMax = r.int('T_max');
    // PyTorch divides by T_max on the first step (ZeroDivisionError for 0).
    r.check('T_max', tMax, tMax >= 1, `T_max must be a positive integer, got ${tMax}`);
    const etaMin = r.num('eta_min', 0.0);
    r.check('eta_min', etaMin, etaMin >= 0, `eta_min must be non-negative, got ${etaMin}`);
    return { build: (opt) => new CosineAnnealingLR(opt, tMax, etaMin) };
  },
};
