// CosineAnnealingWarmRestarts (SGDR): cosine from base_lr to eta_min over T_i steps, restarting
// with T_i *= T_mult. It overrides step() like PyTorch, which bypasses _step_count.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import { stateNumber, type NodeState } from '../core/scheduler-node.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly kind = 'CosineAnnealingWarmRestarts';
  private tI: number;
  private tCur = -1;

  constructor(
    opt: OptimizerState,
    private readonly t0: number,
    private readonly tMult: number,
    private readonly etaMin: number,
  ) {
    super(opt);
    this.tI = t0;
    this.attach();
  }

  protected getLr(out: number[]): void {
    const c = 1 + Math.cos((Math.PI * this.tCur) / this.tI);
    for (let g = 0; g < out.length; g++) out[g] = this.etaMin + ((this.baseLrs[g]! - this.etaMin) * c) / 2;
  }

  override step(): void {
    let epoch: number;
    if (this.lastEpoch < 0) {
      // PyTorch's step(epoch=0) path: epoch < T_0 always holds here since T_0 >= 1.
      epoch = 0;
      this.tI = this.t0;
      this.tCur = 0;
    } else {
      epoch = this.lastEpoch + 1;
      this.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        // 2.x: T_cur % T_i (1.13: T_cur - T_i); identical for the integer steps taken here.
        this.tCur = this.tCur % this.tI;
        this.tI = this.tI * this.tMult;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.getLr(this.values);
    const lr = this.opt.lr;
    for (let g = 0; g < lr.length; g++) lr[g] = this.values[g]!;
  }

  protected override extraState(): NodeState {
    return { T_i: this.tI, T_cur: this.tCur };
  }

  protected override loadExtraState(s: NodeState): void {
    this.tI = stateNumber(s, 'T_i');
    this.tCur = stateNumber(s, 'T_cur');
  }
}

export const cosineAnnealingWarmRestartsDefinition: ScheduleDefinition = {
  type: 'CosineAnnealingWarmRestarts',
  lastEpoch: true,
  interval: 'epoch',
  parse(r) {
    const t0 = r.int('T_0');
    r.check('T_0', t0, t0 > 0, `Expected positive integer T_0, but got ${t0}`);
    const tMult = r.int('T_mult', 1);
    r.check('T_mult', tMult, tMult >= 1, `Expected integer T_mult >= 1, but got ${tMult}`);
    const etaMin = r.num('eta_min', 0.0);
    r.check('eta_min', etaMin, etaMin >= 0, `eta_min must be non-negative, got ${etaMin}`);
    return { build: (opt) => new CosineAnnealingWarmRestarts(opt, t0, tMult, etaMin) };
  },
};
