// SequentialLR: hands each step to one child, switching at milestones. At a milestone the new
// child is forced to epoch 0 through its closed form (PyTorch 2.x `_update_lr(0)`).
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import { stateNumber, stateObjects, type NodeState } from '../core/scheduler-node.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';
import { anyStep, buildChildren, readChildren } from './composite.helpers.ts';

export class SequentialLR extends LRScheduler {
  readonly kind = 'SequentialLR';
  override readonly children: LRScheduler[];

  constructor(
    opt: OptimizerState,
    children: LRScheduler[],
    private readonly milestones: number[],
  ) {
    super(opt);
    this.children = children;
    this.lastEpoch = 0; // PyTorch: last_epoch + 1
    const initial = opt.extra.initial_lr;
    for (let g = 0; g < opt.groups; g++) opt.lr[g] = initial[g]!;
    undo(this);
    children[0]!.initialStep();
  }

  override step(): void {
    this.lastEpoch += 1;
    const e = this.lastEpoch;
    let idx = 0; // bisect_right(milestones, last_epoch)
    while (idx < this.milestones.length && this.milestones[idx]! <= e) idx++;
    const child = this.children[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === e) child.updateLr(0);
    else child.step();
  }

  protected getLr(): void {
    // PyTorch's SequentialLR has no get_lr; it is only reached if a composite is switched to at
    // a milestone, which validation rejects.
    throw new Error('SequentialLR has no get_lr');
  }

  override stateDict(): NodeState {
    return { last_epoch: this.lastEpoch, _step_count: this.stepCount, _schedulers: this.children.map((c) => c.stateDict()) };
  }

  override loadStateDict(s: NodeState): void {
    this.lastEpoch = stateNumber(s, 'last_epoch');
    this.stepCount = stateNumber(s, '_step_count');
    stateObjects(s, '_schedulers', this.children.length).forEach((cs, i) => this.children[i]!.loadStateDict(cs));
  }
}

/** PyTorch's `recursive_undo`: take back the initial step of every leaf scheduler. */
function undo(node: LRScheduler, top = true): void {
  if (node.children) for (const c of node.children) undo(c, false);
  else if (!top) node.lastEpoch -= 1;
}

export const sequentialLRDefinition: ScheduleDefinition = {
  type: 'SequentialLR',
  lastEpoch: true,
  interval: anyStep,
  parse(r, ctx) {
    const children = readChildren(r, ctx, 'SequentialLR');
    const milestones = r.intList('milestones');
    const count = Array.isArray(r.spec.schedulers) ? r.spec.schedulers.length : children.length;
    if (Array.isArray(r.spec.milestones) && count >= 1 && milestones.length !== count - 1) {
      r.issue(
        r.path('milestones'),
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${count} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    // Not checked by PyTorch, but bisect_right over unsorted milestones picks nonsense children.
    for (let i = 1; i < milestones.length; i++) {
      if (!(milestones[i]! > milestones[i - 1]!)) {
        r.issue(`${r.path('milestones')}/${i}`, 'milestones must be increasing');
        break;
      }
    }
    // PyTorch 2.x calls `_update_lr(0)` on the child reached at a milestone; a composite has no
    // get_lr there and raises NotImplementedError (1.13: TypeError), so refuse it up front.
    children.forEach((c, i) => {
      if (i > 0 && (c.type === 'SequentialLR' || c.type === 'ChainedScheduler')) {
        r.issue(c.path, `SequentialLR cannot switch to a composite scheduler (${c.type}) at a milestone: PyTorch raises NotImplementedError there; only the first scheduler may be a composite`);
      }
    });
    return { children, build: (opt) => new SequentialLR(opt, buildChildren(opt, children), milestones) };
  },
};
