// MultiplicativeLR: lr *= lr_lambda(epoch) on every step after the initial one.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { Compiled } from '../expression/expression.compiler.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class MultiplicativeLR extends LRScheduler {
  readonly kind = 'MultiplicativeLR';

  constructor(
    opt: OptimizerState,
    private readonly lambdas: Compiled[],
  ) {
    super(opt);
    this.attach();
  }

  // PyTorch 2.x tests `_is_initial`; 1.13 tested `last_epoch > 0`. They differ only when
  // SequentialLR switches to this scheduler at a milestone (epoch forced to 0): 2.x multiplies
  // by lr_lambda(0) there, 1.13 kept the lr. We follow 2.x.
  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    if (this.isInitial) {
      for (let g = 0; g < out.length; g++) out[g] = lr[g]!;
      return;
    }
    for (let g = 0; g < out.length; g++) out[g] = lr[g]! * this.lambdas[g]!(this.lastEpoch);
  }
}

export const multiplicativeLRDefinition: ScheduleDefinition = {
  type: 'MultiplicativeLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const lambdas = r.expressions('lr_lambda', 'epoch', (got, want) => `Expected ${want} lr_lambdas, but got ${got}`);
    return { build: (opt) => new MultiplicativeLR(opt, lambdas) };
  },
};
