// ReduceLROnPlateau: multiply lr by factor when the metric has not improved for patience steps.
import type { OptimizerState } from '../core/optimizer-state.ts';
import { stateNumber, type NodeState, type SchedulerNode } from '../core/scheduler-node.ts';
import { ScheduleStepError } from '../errors.ts';
import type { ScheduleDefinition } from '../parsing/schedule-definition.ts';

export interface PlateauConfig {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
}

export class ReduceLROnPlateau implements SchedulerNode {
  readonly kind = 'ReduceLROnPlateau';
  lastEpoch = 0;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private readonly modeWorse: number;

  constructor(
    private readonly opt: OptimizerState,
    private readonly c: PlateauConfig,
  ) {
    this.modeWorse = c.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
  }

  step(metric?: number): void {
    if (typeof metric !== 'number') {
      throw new ScheduleStepError("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'");
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // ignore any bad epochs in cooldown
    }
    if (this.numBadEpochs > this.c.patience) {
      this.reduceLr();
      this.cooldownCounter = this.c.cooldown;
      this.numBadEpochs = 0;
    }
  }

  private reduceLr(): void {
    const lr = this.opt.lr;
    for (let g = 0; g < lr.length; g++) {
      const oldLr = lr[g]!;
      const newLr = Math.max(oldLr * this.c.factor, this.c.minLrs[g]!);
      if (oldLr - newLr > this.c.eps) lr[g] = newLr;
    }
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.c;
    if (mode === 'min' && thresholdMode === 'rel') return a < best * (1.0 - threshold);
    if (mode === 'min') return a < best - threshold;
    if (thresholdMode === 'rel') return a > best * (threshold + 1.0);
    return a > best + threshold;
  }

  stateDict(): NodeState {
    return { last_epoch: this.lastEpoch, best: this.best, num_bad_epochs: this.numBadEpochs, cooldown_counter: this.cooldownCounter };
  }

  loadStateDict(s: NodeState): void {
    this.lastEpoch = stateNumber(s, 'last_epoch');
    this.best = stateNumber(s, 'best');
    this.numBadEpochs = stateNumber(s, 'num_bad_epochs');
    this.cooldownCounter = stateNumber(s, 'cooldown_counter');
  }
}

export const reduceLROnPlateauDefinition: ScheduleDefinition = {
  type: 'ReduceLROnPlateau',
  lastEpoch: false,
  interval: 'epoch',
  parse(r) {
    const mode = r.choice('mode', ['min', 'max'] as const, 'min', (v) => `mode ${v} is unknown!`);
    const factor = r.num('factor', 0.1);
    r.check('factor', factor, factor < 1.0, 'Factor should be < 1.0.');
    r.check('factor', factor, factor >= 0, `factor must be non-negative, got ${factor}`);
    const patience = r.int('patience', 10);
    r.check('patience', patience, patience >= 0, `patience must be a non-negative integer, got ${patience}`);
    const threshold = r.num('threshold', 1e-4);
    r.check('threshold', threshold, threshold >= 0, `threshold must be non-negative, got ${threshold}`);
    const thresholdMode = r.choice('threshold_mode', ['rel', 'abs'] as const, 'rel', (v) => `threshold mode ${v} is unknown!`);
    const cooldown = r.int('cooldown', 0);
    r.check('cooldown', cooldown, cooldown >= 0, `cooldown must be a non-negative integer, got ${cooldown}`);
    const minLrs = r.perGroup('min_lr', 0, (got, want) => `expected ${want} min_lrs, got ${got}`);
    r.checkEach('min_lr', minLrs, (v) => v >= 0, (v) => `min_lr must be non-negative, got ${v}`);
    const eps = r.num('eps', 1e-8);
    r.check('eps', eps, eps >= 0, `eps must be non-negative, got ${eps}`);
    const config: PlateauConfig = { mode, factor, patience, threshold, thresholdMode, cooldown, minLrs, eps };
    return { build: (opt) => new ReduceLROnPlateau(opt, config) };
  },
};
