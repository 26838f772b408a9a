// The public Scheduler: a thin face over the PyTorch-twin tree and its optimizer state.
// `lrs`/`momentums` are live views of the optimizer arrays, so reading them allocates nothing.
import { ScheduleError } from '../errors.ts';
import type { Interval, Scheduler, SchedulerState } from '../types.ts';
import { EXTRA_GROUP_KEYS, type OptimizerState } from './optimizer-state.ts';
import type { NodeState, SchedulerNode } from './scheduler-node.ts';
import { decodeState, encodeState } from './state-codec.ts';

const FORMAT = 'lrsweep.schedules/1';

export class SchedulerHandle implements Scheduler {
  constructor(
    readonly interval: Interval,
    private readonly opt: OptimizerState,
    private readonly root: SchedulerNode,
  ) {}

  get lrs(): readonly number[] {
    return this.opt.lr;
  }

  get momentums(): readonly number[] | null {
    return this.opt.reportMomentum ? this.opt.momentum : null;
  }

  step(metric?: number): void {
    this.root.step(metric);
  }

  stateDict(): SchedulerState {
    const o = this.opt;
    const optimizer: Record<string, unknown> = { lr: o.lr.slice(), momentum: o.momentum.slice(), report_momentum: o.reportMomentum };
    for (const k of EXTRA_GROUP_KEYS) optimizer[k] = o.extra[k].slice();
    return encodeState({ format: FORMAT, type: this.root.kind, optimizer, scheduler: this.root.stateDict() }) as SchedulerState;
  }

  loadStateDict(state: SchedulerState): void {
    const s = decodeState(state) as SchedulerState;
    if (typeof s !== 'object' || s === null || s.format !== FORMAT || s.type !== this.root.kind) {
      throw new ScheduleError('', `state_dict does not match this schedule (expected format ${FORMAT} for ${this.root.kind})`);
    }
    const o = this.opt;
    const copy = (key: string, into: number[]): void => {
      const v = s.optimizer[key];
      if (!Array.isArray(v) || v.length !== into.length) throw new ScheduleError('', `state_dict does not match this schedule: bad optimizer '${key}'`);
      for (let g = 0; g < into.length; g++) into[g] = v[g] === null ? NaN : (v[g] as number);
    };
    // Validate the scheduler part first so a mismatched state leaves this scheduler untouched.
    const backup = this.root.stateDict();
    try {
      this.root.loadStateDict(s.scheduler as NodeState);
    } catch (err) {
      this.root.loadStateDict(backup);
      throw err;
    }
    copy('lr', o.lr);
    copy('momentum', o.momentum);
    for (const k of EXTRA_GROUP_KEYS) copy(k, o.extra[k]);
    o.reportMomentum = s.optimizer.report_momentum === true;
  }
}
