// TypeScript twin of PyTorch 2.x `torch.optim.lr_scheduler.LRScheduler`: the same fields
// (last_epoch, _step_count, _is_initial, base_lrs) and the same step/_update_lr/_initial_step
// dance, because composites (SequentialLR, ChainedScheduler) poke at exactly these and the
// reference trajectories depend on their side effects on the shared optimizer.
import type { OptimizerState } from './optimizer-state.ts';
import { stateNumber, stateNumbers, type NodeState, type SchedulerNode } from './scheduler-node.ts';

export abstract class LRScheduler implements SchedulerNode {
  abstract readonly kind: string;
  lastEpoch = -1;
  stepCount = 0;
  isInitial = false;
  baseLrs: number[];
  /** children, for the composites; PyTorch's `_schedulers` */
  readonly children: LRScheduler[] | null = null;
  /** scratch for get_lr's result, so a step allocates nothing */
  protected readonly values: number[];

  constructor(readonly opt: OptimizerState) {
    this.values = new Array<number>(opt.groups).fill(0);
    this.baseLrs = new Array<number>(opt.groups).fill(0);
  }

  /**
   * The tail of PyTorch's `LRScheduler.__init__` with last_epoch=-1; subclasses call it where
   * PyTorch calls `super().__init__`, after their own fields exist (JS initialises subclass
   * fields only after the base constructor returns).
   */
  protected attach(): void {
    const initial = this.opt.extra.initial_lr;
    for (let g = 0; g < initial.length; g++) if (Number.isNaN(initial[g])) initial[g] = this.opt.lr[g]!;
    this.baseLrs = initial.slice();
    this.lastEpoch = -1;
    this.initialStep();
  }

  /** PyTorch's `_initial_step`: reset the step count and step once in "initial mode". */
  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  step(_metric?: number): void {
    this.stepCount++;
    this.updateLr(null);
  }

  /** PyTorch's `_update_lr(epoch)`: chainable form, or the closed form when an epoch is forced. */
  updateLr(epoch: number | null): void {
    const values = this.values;
    if (epoch === null) {
      this.lastEpoch++;
      this.getLr(values);
    } else {
      this.lastEpoch = epoch;
      if (!this.closedFormLr(values)) this.getLr(values);
    }
    const lr = this.opt.lr;
    for (let g = 0; g < lr.length; g++) lr[g] = values[g]!;
  }

  /** PyTorch's chainable `get_lr()`, written into `out`. */
  protected abstract getLr(out: number[]): void;

  /** PyTorch's `_get_closed_form_lr()`; returns false where the class has none. */
  protected closedFormLr(_out: number[]): boolean {
    return false;
  }

  stateDict(): NodeState {
    return { last_epoch: this.lastEpoch, _step_count: this.stepCount, base_lrs: this.baseLrs.slice(), ...this.extraState() };
  }

  loadStateDict(s: NodeState): void {
    this.lastEpoch = stateNumber(s, 'last_epoch');
    this.stepCount = stateNumber(s, '_step_count');
    stateNumbers(s, 'base_lrs', this.baseLrs);
    this.loadExtraState(s);
  }

  /** Mutable fields beyond LRScheduler's own (CosineAnnealingWarmRestarts' T_cur, ...). */
  protected extraState(): NodeState {
    return {};
  }
  protected loadExtraState(_s: NodeState): void {}
}
