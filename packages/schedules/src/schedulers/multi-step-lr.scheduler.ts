// MultiStepLR: multiply by gamma ** (times the epoch appears in milestones), like Counter.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class MultiStepLR extends LRScheduler {
  readonly kind = 'MultiStepLR';
  private readonly counts = new Map<number, number>();
  private readonly sorted: number[];

  constructor(
    opt: OptimizerState,
    milestones: number[],
    private readonly gamma: number,
  ) {
    super(opt);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.sorted = milestones.slice().sort((a, b) => a - b);
    this.attach();
  }

  protected getLr(out: number[]): void {
    const lr = this.opt.lr;
    const count = this.counts.get(this.lastEpoch);
    for (let g = 0; g < out.length; g++) out[g] = count === undefined ? lr[g]! : lr[g]! * this.gamma ** count;
  }

  protected override closedFormLr(out: number[]): boolean {
    let passed = 0; // bisect_right(sorted milestones, last_epoch)
    while (passed < this.sorted.length && this.sorted[passed]! <= this.lastEpoch) passed++;
    for (let g = 0; g < out.length; g++) out[g] = this.baseLrs[g]! * this.gamma ** passed;
    return true;
  }
}

export const multiStepLRDefinition: ScheduleDefinition = {
  type: 'MultiStepLR',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const milestones = r.intList('milestones');
    const gamma = r.num('gamma', 0.1);
    r.check('gamma', gamma, gamma >= 0, `gamma must be non-negative, got ${gamma}`);
    return { build: (opt) => new MultiStepLR(opt, milestones, gamma) };
  },
};
