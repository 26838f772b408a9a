// StepLR: multiply by gamma every step_size epochs (chainable: repeated multiplication).
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import { pyFloorDiv, pyMod } from '../expression/python-math.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class StepLR extends LRScheduler {
  readonly kind = 'StepLR';

  constructor(
    opt: OptimizerState,
    private readonly stepSize: number,
    private readonly gamma: number,
  ) {
    super(opt);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const keep = this.lastEpoch === 0 || pyMod(this.lastEpoch, this.stepSize) !== 0;
    for (let g = 0; g < out.length; g++) out[g] = keep ? lr[g]! : lr[g]! * this.gamma;
  }

  protected override closedFormLr(out: number[]): boolean {
    const f = this.gamma ** pyFloorDiv(this.lastEpoch, this.stepSize);
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * f;
    return true;
  }
}

export const stepLRDefinition: ScheduleDefinition = {
  type: 'StepLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const stepSize = r.int('step_size');
    // PyTorch takes step_size=0 and then raises ZeroDivisionError on the first step.
    r.check('step_size', stepSize, stepSize >= 1, `step_size must be a positive integer, got ${stepSize}`);
    const gamma = r.num('gamma', 0.1);
    r.check('gamma', gamma, gamma >= 0, `gamma must be non-negative, got ${gamma}`);
    return { build: (opt) => new StepLR(opt, stepSize, gamma) };
  },
};
