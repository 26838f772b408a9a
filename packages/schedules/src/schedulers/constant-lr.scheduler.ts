// ConstantLR: lr * factor until total_iters, then divided back by factor (chainable form).
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class ConstantLR extends LRScheduler {
  readonly kind = 'ConstantLR';

  constructor(
    opt: OptimizerState,
    private readonly factor: number,
    private readonly totalIters: number,
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const e = this.lastEpoch;
    const f = e === 0 ? this.factor : e !== this.totalIters ? 1 : 1.0 / this.factor;
    // Multiplying by 1 leaves lr bit-identical, as PyTorch's "return group['lr']" does.
    for (let g = 0; g < out.length; g++) out[g] = lr[g]! * f;
  }

  protected override closedFormLr(out: number[]): boolean {
    const f = this.factor + (this.lastEpoch >= this.totalIters ? 1 - this.factor : 0);
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * f;
    return true;
  }
}

export const constantLRDefinition: ScheduleDefinition = {
  type: 'ConstantLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const factor = r.num('factor', 1.0 / 3);
    r.check('factor', factor, factor <= 1.0 && factor >= 0, 'Constant multiplicative factor expected to be between 0 and 1.');
    const totalIters = r.int('total_iters', 5);
    r.check('total_iters', totalIters, totalIters >= 0, `total_iters must be a non-negative integer, got ${totalIters}`);
    // PyTorch accepts factor=0 and then raises ZeroDivisionError (1.0 / factor) at total_iters.
    r.check('factor', factor, !(factor === 0 && totalIters > 0), 'factor 0 makes PyTorch divide by zero at total_iters (ZeroDivisionError)');
    return { build: (opt) => new ConstantLR(opt, factor, totalIters) };
  },
};
