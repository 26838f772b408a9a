// LinearLR: the factor moves linearly from start_factor to end_factor over total_iters,
// applied as PyTorch's chainable ratio so composites see the same float rounding.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class LinearLR extends LRScheduler {
  readonly kind = 'LinearLR';

  constructor(
    opt: OptimizerState,
    private readonly startFactor: number,
    private readonly endFactor: number,
    private readonly totalIters: number,
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const e = this.lastEpoch;
    if (e === 0) {
      for (let g = 0; g < out.length; g++) out[g] = lr[g]! * this.startFactor;
      return;
    }
    if (this.isInitial || e > this.totalIters) {
      for (let g = 0; g < out.length; g++) out[g] = lr[g]!;
      return;
    }
    const d = this.endFactor - this.startFactor;
    const f = 1.0 + d / (this.totalIters * this.startFactor + (e - 1) * d);
    for (let g = 0; g < out.length; g++) out[g] = lr[g]! * f;
  }

  protected override closedFormLr(out: number[]): boolean {
    const f = this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters;
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * f;
    return true;
  }
}

export const linearLRDefinition: ScheduleDefinition = {
  type: 'LinearLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const start = r.num('start_factor', 1.0 / 3);
    r.check('start_factor', start, start <= 1.0 && start > 0, 'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    const end = r.num('end_factor', 1.0);
    r.check('end_factor', end, end <= 1.0 && end >= 0, 'Ending multiplicative factor expected to be between 0 and 1.');
    const totalIters = r.int('total_iters', 5);
    // PyTorch's closed form (used when SequentialLR switches to it) divides by total_iters.
    r.check('total_iters', totalIters, totalIters >= 1, `total_iters must be a positive integer, got ${totalIters}`);
    return { build: (opt) => new LinearLR(opt, start, end, totalIters) };
  },
};
