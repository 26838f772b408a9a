// ChainedScheduler: every step, step each child in order on the shared optimizer, so their
// chainable (multiplicative) updates compose.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import { stateNumber, stateObjects, type NodeState } from '../core/scheduler-node.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';
import { anyStep, buildChildren, readChildren } from './composite.helpers.ts';

export class ChainedScheduler extends LRScheduler {
  readonly kind = 'ChainedScheduler';
  override readonly children: LRScheduler[];

  constructor(opt: OptimizerState, children: LRScheduler[]) {
    super(opt);
    this.children = children;
  }

  override step(): void {
    for (const child of this.children) child.step();
  }

  protected getLr(): void {
    throw new Error('ChainedScheduler has no get_lr');
  }

  override stateDict(): NodeState {
    return { _step_count: this.stepCount, _schedulers: this.children.map((c) => c.stateDict()) };
  }

  override loadStateDict(s: NodeState): void {
    this.stepCount = stateNumber(s, '_step_count');
    stateObjects(s, '_schedulers', this.children.length).forEach((cs, i) => this.children[i]!.loadStateDict(cs));
  }
}

export const chainedSchedulerDefinition: ScheduleDefinition = {
  type: 'ChainedScheduler',
  lastEpoch: false,
  interval: anyStep,
  parse(r, ctx) {
    const children = readChildren(r, ctx, 'ChainedScheduler');
    return { children, build: (opt) => new ChainedScheduler(opt, buildChildren(opt, children)) };
  },
};
