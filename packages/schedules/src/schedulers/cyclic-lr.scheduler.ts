// CyclicLR: triangular cycles between base_lr and max_lr, momentum cycled inversely.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { Compiled } from '../expression/expression.compiler.ts';
import { formatParamReason, type ScheduleDefinition } from '../parsing/schedule-definition.ts';
import { checkCycleMomentum } from './momentum-check.ts';

type Mode = 'triangular' | 'triangular2' | 'exp_range';

export interface CyclicConfig {
  baseLrs: number[];
  maxLrs: number[];
  stepSizeUp: number;
  stepSizeDown: number | null;
  mode: Mode;
  gamma: number;
  scaleFn: Compiled | null;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums: number[];
  maxMomentums: number[];
}

export class CyclicLR extends LRScheduler {
  readonly kind = 'CyclicLR';
  private readonly totalSize: number;
  private readonly stepRatio: number;
  private readonly scale: Compiled;
  private readonly scaleByCycle: boolean;

  constructor(
    opt: OptimizerState,
    private readonly c: CyclicConfig,
  ) {
    super(opt);
    for (let g = 0; g < opt.groups; g++) opt.lr[g] = c.baseLrs[g]!;
    const up = c.stepSizeUp;
    const down = c.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    if (c.scaleFn) {
      this.scale = c.scaleFn;
      this.scaleByCycle = c.scaleMode === 'cycle';
    } else if (c.mode === 'triangular') {
      this.scale = () => 1.0;
      this.scaleByCycle = true;
    } else if (c.mode === 'triangular2') {
      this.scale = (x) => 1 / 2.0 ** (x - 1);
      this.scaleByCycle = true;
    } else {
      const gamma = c.gamma;
      this.scale = (x) => gamma ** x;
      this.scaleByCycle = false;
    }
    if (c.cycleMomentum) {
      for (let g = 0; g < opt.groups; g++) {
        opt.setMomentum(g, c.maxMomentums[g]!);
        opt.extra.max_momentum[g] = c.maxMomentums[g]!;
        opt.extra.base_momentum[g] = c.baseMomentums[g]!;
      }
    }
    this.attach();
    // As in PyTorch, the initial step above used initial_lr as base; from now on base_lr.
    this.baseLrs = c.baseLrs.slice();
  }

  protected getLr(out: number[]): void {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1.0 + e / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleByCycle ? cycle : e);
    const maxLrs = this.c.maxLrs;
    for (let g = 0; g < out.length; g++) {
      const baseHeight = (maxLrs[g]! - this.baseLrs[g]!) * scaleFactor;
      out[g] = this.baseLrs[g]! + baseHeight * s;
    }
    if (this.c.cycleMomentum) {
      const { baseMomentums, maxMomentums } = this.c;
      for (let g = 0; g < out.length; g++) {
        const baseHeight = (maxMomentums[g]! - baseMomentums[g]!) * scaleFactor;
        this.opt.setMomentum(g, maxMomentums[g]! - baseHeight * s);
      }
    }
  }
}

const MODES: readonly Mode[] = ['triangular', 'triangular2', 'exp_range'];

export const cyclicLRDefinition: ScheduleDefinition = {
  type: 'CyclicLR',
  lastEpoch: true,
  interval: 'step',
  parse(r, ctx) {
    const baseLrs = r.perGroup('base_lr', undefined, formatParamReason('base_lr'));
    r.checkEach('base_lr', baseLrs, (v) => v >= 0, (v) => `base_lr must be non-negative, got ${v}`);
    const maxLrs = r.perGroup('max_lr', undefined, formatParamReason('max_lr'));
    r.checkEach('max_lr', maxLrs, (v) => v >= 0, (v) => `max_lr must be non-negative, got ${v}`);
    const stepSizeUp = r.int('step_size_up', 2000);
    // step_size_up=0 makes step_ratio 0 and PyTorch computes 0/0 at the first step.
    r.check('step_size_up', stepSizeUp, stepSizeUp >= 1, `step_size_up must be a positive integer, got ${stepSizeUp}`);
    const stepSizeDown = r.intOrNull('step_size_down');
    if (stepSizeDown !== null) r.check('step_size_down', stepSizeDown, stepSizeDown >= 0, `step_size_down must be a non-negative integer, got ${stepSizeDown}`);
    const scaleSrc = r.raw('scale_fn');
    let scaleFn: Compiled | null = null;
    if (scaleSrc !== undefined && scaleSrc !== null) {
      scaleFn = r.expressions('scale_fn', 'x', () => 'scale_fn must be a single expression in x')[0] ?? null;
      if (Array.isArray(scaleSrc)) r.issue(r.path('scale_fn'), 'scale_fn must be a single expression string in x');
    }
    // With a scale_fn, PyTorch ignores mode entirely.
    const modeChoices = scaleFn && typeof r.spec.mode === 'string' ? [r.spec.mode as Mode] : MODES;
    const mode = r.choice('mode', modeChoices, 'triangular', () => 'mode is invalid and scale_fn is None');
    const gamma = r.num('gamma', 1.0);
    r.check('gamma', gamma, gamma >= 0, `gamma must be non-negative, got ${gamma}`);
    const scaleMode = r.choice('scale_mode', ['cycle', 'iterations'] as const, 'cycle', (v) => `scale_mode must be 'cycle' or 'iterations', got ${JSON.stringify(v)}`);
    const cycleMomentum = r.bool('cycle_momentum', true);
    const baseMomentums = r.perGroup('base_momentum', 0.8, formatParamReason('base_momentum'));
    const maxMomentums = r.perGroup('max_momentum', 0.9, formatParamReason('max_momentum'));
    r.checkEach('base_momentum', baseMomentums, (v) => v >= 0, (v) => `base_momentum must be non-negative, got ${v}`);
    r.checkEach('max_momentum', maxMomentums, (v) => v >= 0, (v) => `max_momentum must be non-negative, got ${v}`);
    checkCycleMomentum(r, ctx, cycleMomentum);
    const config: CyclicConfig = { baseLrs, maxLrs, stepSizeUp, stepSizeDown, mode, gamma, scaleFn, scaleMode, cycleMomentum, baseMomentums, maxMomentums };
    return { build: (opt) => new CyclicLR(opt, config) };
  },
};
