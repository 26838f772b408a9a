// OneCycleLR: warm up from max_lr/div_factor to max_lr, then anneal to initial/final_div_factor
// (or three phases), momentum moving inversely. Phase bounds live in the param groups as in PyTorch.
import { LRScheduler } from '../core/lr-scheduler.ts';
import type { ExtraGroupKey, OptimizerState } from '../core/optimizer-state.ts';
import { ScheduleStepError } from '../errors.ts';
import { formatParamReason, type ScheduleDefinition } from '../parsing/schedule-definition.ts';
import { checkCycleMomentum } from './momentum-check.ts';

export interface OneCycleConfig {
  maxLrs: number[];
  totalSteps: number;
  pctStart: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  baseMomentums: number[];
  maxMomentums: number[];
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
}

interface Phase {
  endStep: number;
  startLr: number[];
  endLr: number[];
  startMomentum: number[];
  endMomentum: number[];
}

/** PyTorch's `_schedule_phases` end steps, shared with validation. */
export function phaseEnds(totalSteps: number, pctStart: number, threePhase: boolean): number[] {
  return threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
}

const annealCos = (start: number, end: number, pct: number): number => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

export class OneCycleLR extends LRScheduler {
  readonly kind = 'OneCycleLR';
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;

  constructor(
    opt: OptimizerState,
    private readonly c: OneCycleConfig,
  ) {
    super(opt);
    const k = (key: ExtraGroupKey): number[] => opt.extra[key];
    const ends = phaseEnds(c.totalSteps, c.pctStart, c.threePhase);
    this.phases = c.threePhase
      ? [
          { endStep: ends[0]!, startLr: k('initial_lr'), endLr: k('max_lr'), startMomentum: k('max_momentum'), endMomentum: k('base_momentum') },
          { endStep: ends[1]!, startLr: k('max_lr'), endLr: k('initial_lr'), startMomentum: k('base_momentum'), endMomentum: k('max_momentum') },
          { endStep: ends[2]!, startLr: k('initial_lr'), endLr: k('min_lr'), startMomentum: k('max_momentum'), endMomentum: k('max_momentum') },
        ]
      : [
          { endStep: ends[0]!, startLr: k('initial_lr'), endLr: k('max_lr'), startMomentum: k('max_momentum'), endMomentum: k('base_momentum') },
          { endStep: ends[1]!, startLr: k('max_lr'), endLr: k('min_lr'), startMomentum: k('base_momentum'), endMomentum: k('max_momentum') },
        ];
    this.anneal = c.annealStrategy === 'cos' ? annealCos : annealLinear;
    for (let g = 0; g < opt.groups; g++) {
      opt.extra.initial_lr[g] = c.maxLrs[g]! / c.divFactor;
      opt.extra.max_lr[g] = c.maxLrs[g]!;
      opt.extra.min_lr[g] = opt.extra.initial_lr[g]! / c.finalDivFactor;
    }
    if (c.cycleMomentum) {
      for (let g = 0; g < opt.groups; g++) {
        opt.setMomentum(g, c.maxMomentums[g]!);
        opt.extra.max_momentum[g] = c.maxMomentums[g]!;
        opt.extra.base_momentum[g] = c.baseMomentums[g]!;
      }
    }
    this.attach();
  }

  protected getLr(out: number[]): void {
    const stepNum = this.lastEpoch;
    if (stepNum > this.c.totalSteps) {
      throw new ScheduleStepError(`Tried to step ${stepNum} times. The specified number of total steps is ${this.c.totalSteps}`);
    }
    const phases = this.phases;
    const last = phases.length - 1;
    for (let g = 0; g < out.length; g++) {
      let startStep = 0.0;
      for (let i = 0; i <= last; i++) {
        const phase = phases[i]!;
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === last) {
          if (endStep === startStep) throw new ScheduleStepError('ZeroDivisionError: float division by zero');
          const pct = (stepNum - startStep) / (endStep - startStep);
          out[g] = this.anneal(phase.startLr[g]!, phase.endLr[g]!, pct);
          if (this.c.cycleMomentum) this.opt.setMomentum(g, this.anneal(phase.startMomentum[g]!, phase.endMomentum[g]!, pct));
          break;
        }
        startStep = endStep;
      }
    }
  }
}

export const oneCycleLRDefinition: ScheduleDefinition = {
  type: 'OneCycleLR',
  lastEpoch: true,
  interval: 'step',
  parse(r, ctx) {
    const maxLrs = r.perGroup('max_lr', undefined, formatParamReason('max_lr'));
    r.checkEach('max_lr', maxLrs, (v) => v >= 0, (v) => `max_lr must be non-negative, got ${v}`);
    const totalStepsArg = r.intOrNull('total_steps');
    const epochs = r.intOrNull('epochs');
    const stepsPerEpoch = r.intOrNull('steps_per_epoch');
    let totalSteps = NaN;
    if (totalStepsArg !== null) {
      r.check('total_steps', totalStepsArg, totalStepsArg > 0, `Expected positive integer total_steps, but got ${totalStepsArg}`);
      totalSteps = totalStepsArg;
    } else if (epochs !== null && stepsPerEpoch !== null) {
      r.check('epochs', epochs, epochs > 0, `Expected positive integer epochs, but got ${epochs}`);
      r.check('steps_per_epoch', stepsPerEpoch, stepsPerEpoch > 0, `Expected positive integer steps_per_epoch, but got ${stepsPerEpoch}`);
      totalSteps = epochs * stepsPerEpoch;
    } else if (!r.issues.some((i) => i.path.startsWith(r.path('')))) {
      r.issue(r.path('total_steps'), 'You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    const pctStart = r.num('pct_start', 0.3);
    r.check('pct_start', pctStart, pctStart >= 0 && pctStart <= 1, `Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    const annealStrategy = r.choice('anneal_strategy', ['cos', 'linear'] as const, 'cos', (v) => `anneal_strategy must be one of 'cos' or 'linear', instead got ${v}`);
    const cycleMomentum = r.bool('cycle_momentum', true);
    const baseMomentums = r.perGroup('base_momentum', 0.85, formatParamReason('base_momentum'));
    const maxMomentums = r.perGroup('max_momentum', 0.95, formatParamReason('max_momentum'));
    r.checkEach('base_momentum', baseMomentums, (v) => v >= 0, (v) => `base_momentum must be non-negative, got ${v}`);
    r.checkEach('max_momentum', maxMomentums, (v) => v >= 0, (v) => `max_momentum must be non-negative, got ${v}`);
    const divFactor = r.num('div_factor', 25.0);
    r.check('div_factor', divFactor, divFactor > 0, `div_factor must be positive, got ${divFactor}`);
    const finalDivFactor = r.num('final_div_factor', 1e4);
    r.check('final_div_factor', finalDivFactor, finalDivFactor > 0, `final_div_factor must be positive, got ${finalDivFactor}`);
    const threePhase = r.bool('three_phase', false);
    // pct_start * total_steps == 1 makes the first phase zero steps long, and PyTorch computes
    // 0.0 / 0.0 (ZeroDivisionError) in its constructor. A zero-length last phase (pct_start=1)
    // only fails on the step past total_steps - 1, which step() reports then.
    if (!Number.isNaN(totalSteps) && !Number.isNaN(pctStart) && phaseEnds(totalSteps, pctStart, threePhase)[0] === 0) {
      r.issue(r.path('pct_start'), `pct_start * total_steps must not be 1 (first phase of zero steps; PyTorch raises ZeroDivisionError), got ${pctStart} * ${totalSteps}`);
    }
    checkCycleMomentum(r, ctx, cycleMomentum);
    const config: OneCycleConfig = { maxLrs, totalSteps, pctStart, annealStrategy, cycleMomentum, baseMomentums, maxMomentums, divFactor, finalDivFactor, threePhase };
    return { build: (opt) => new OneCycleLR(opt, config) };
  },
};
