// LambdaLR: lr = base_lr * lr_lambda(epoch), the lambda being a Python expression string.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { Compiled } from '../expression/expression.compiler.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class LambdaLR extends LRScheduler {
  readonly kind = 'LambdaLR';

  constructor(
    opt: OptimizerState,
    private readonly lambdas: Compiled[],
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * this.lambdas[g]!(this.lastEpoch);
  }
}

export const lambdaLRDefinition: ScheduleDefinition = {
  type: 'LambdaLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const lambdas = r.expressions('lr_lambda', 'epoch', (got, want) => `Expected ${want} lr_lambdas, but got ${got}`);
    return { build: (opt) => new LambdaLR(opt, lambdas) };
  },
};
