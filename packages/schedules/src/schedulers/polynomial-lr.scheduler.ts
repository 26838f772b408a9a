// PolynomialLR: decays to 0 at total_iters as (1 - t/T) ** power, via PyTorch's ratio form.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class PolynomialLR extends LRScheduler {
  readonly kind = 'PolynomialLR';

  constructor(
    opt: OptimizerState,
    private readonly totalIters: number,
    private readonly power: number,
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const e = this.lastEpoch;
    const t = this.totalIters;
    const f = this.isInitial || e > t ? 1 : ((1.0 - e / t) / (1.0 - (e - 1) / t)) ** this.power;
    for (let g = 0; g < out.length; g++) out[g] = this.isInitial || e > t ? lr[g]! : lr[g]! * f;
  }

  protected override closedFormLr(out: number[]): boolean {
    const f = (1.0 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power;
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * f;
    return true;
  }
}

export const polynomialLRDefinition: ScheduleDefinition = {
  type: 'PolynomialLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const totalIters = r.int('total_iters', 5);
    // PyTorch divides by total_iters; 0 raises ZeroDivisionError in its closed form.
    r.check('total_iters', totalIters, totalIters >= 1, `total_iters must be a positive integer, got ${totalIters}`);
    const power = r.num('power', 1.0);
    // A negative power raises 0.0 to a negative power at total_iters (ZeroDivisionError).
    r.check('power', power, power >= 0, `power must be non-negative, got ${power}`);
    return { build: (opt) => new PolynomialLR(opt, totalIters, power) };
  },
};
