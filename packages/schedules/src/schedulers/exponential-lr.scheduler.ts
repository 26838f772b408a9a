// ExponentialLR: lr *= gamma every step.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class ExponentialLR extends LRScheduler {
  readonly kind = 'ExponentialLR';

  constructor(
    opt: OptimizerState,
    private readonly gamma: number,
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const f = this.isInitial ? 1 : this.gamma;
    for (let g = 0; g < out.length; g++) out[g] = this.isInitial ? lr[g]! : lr[g]! * f;
  }

  protected override closedFormLr(out: number[]): boolean {
    const f = this.gamma ** this.lastEpoch;
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * f;
    return true;
  }
}

export const exponentialLRDefinition: ScheduleDefinition = {
  type: 'ExponentialLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const gamma = r.num('gamma');
    r.check('gamma', gamma, gamma >= 0, `gamma must be non-negative, got ${gamma}`);
    return { build: (opt) => new ExponentialLR(opt, gamma) };
  },
};
