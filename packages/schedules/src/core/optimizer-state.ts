// The part of a PyTorch optimizer that schedulers touch: its param_groups. Values live in
// parallel arrays (one slot per group) so stepping never allocates; a scheduler writes
// `lr[g]` exactly where PyTorch writes `group['lr']`.
import { ScheduleError } from '../errors.ts';
import type { OptimizerSpec } from '../types.ts';

type MomentumKind = 'momentum' | 'betas' | null;

interface OptimizerDefaults {
  lr: number;
  /** which key in `optimizer.defaults` CyclicLR/OneCycleLR may cycle */
  momentum: MomentumKind;
}

// PyTorch 2.x defaults (SGD's lr default of 1e-3 is 2.x; 1.13 required it).
const OPTIMIZERS: Readonly<Record<string, OptimizerDefaults>> = {
  SGD: { lr: 1e-3, momentum: 'momentum' },
  RMSprop: { lr: 1e-2, momentum: 'momentum' },
  Adam: { lr: 1e-3, momentum: 'betas' },
  AdamW: { lr: 1e-3, momentum: 'betas' },
  Adamax: { lr: 2e-3, momentum: 'betas' },
  NAdam: { lr: 2e-3, momentum: 'betas' },
  RAdam: { lr: 1e-3, momentum: 'betas' },
  SparseAdam: { lr: 1e-3, momentum: 'betas' },
  Adagrad: { lr: 1e-2, momentum: null },
  Adadelta: { lr: 1.0, momentum: null },
  ASGD: { lr: 1e-2, momentum: null },
  Rprop: { lr: 1e-2, momentum: null },
  LBFGS: { lr: 1, momentum: null },
};

export const OPTIMIZER_TYPES: readonly string[] = Object.keys(OPTIMIZERS);

/** Group keys OneCycleLR and CyclicLR add to each group (PyTorch stores them in the group dict). */
export const EXTRA_GROUP_KEYS = ['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'] as const;
export type ExtraGroupKey = (typeof EXTRA_GROUP_KEYS)[number];

export class OptimizerState {
  readonly lr: number[];
  /** NaN where the group has no such key yet (PyTorch's `'initial_lr' not in group`). */
  readonly extra: Record<ExtraGroupKey, number[]>;
  /** SGD/RMSprop `momentum`, or Adam-family `betas[0]`, per group. */
  readonly momentum: number[];
  readonly beta2: number[];
  /** Whether `momentums` is reported: SGD only once its groups hold a momentum key. */
  reportMomentum: boolean;

  constructor(
    readonly type: string,
    readonly momentumKind: MomentumKind,
    lrs: number[],
    momentum: number[],
    beta2: number[],
    reportMomentum: boolean,
  ) {
    this.lr = lrs;
    this.momentum = momentum;
    this.beta2 = beta2;
    this.reportMomentum = reportMomentum;
    const empty = (): number[] => lrs.map(() => NaN);
    this.extra = { initial_lr: empty(), max_lr: empty(), min_lr: empty(), max_momentum: empty(), base_momentum: empty() };
  }

  get groups(): number {
    return this.lr.length;
  }

  /** Writes a cycled momentum where PyTorch would (`momentum`, or `betas = (m, beta2)`). */
  setMomentum(g: number, m: number): void {
    this.momentum[g] = m;
    this.reportMomentum = true;
  }
}

export interface OptimizerIssue {
  path: string;
  reason: string;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads an OptimizerSpec; issues use pointers into the optimizer spec, prefixed `optimizer:`. */
export function readOptimizer(spec: unknown, issues: OptimizerIssue[]): OptimizerState | null {
  const at = (p: string): string => `optimizer:${p}`;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    issues.push({ path: at(''), reason: 'optimizer must be an object' });
    return null;
  }
  const o = spec as OptimizerSpec;
  const defaults = typeof o.type === 'string' ? OPTIMIZERS[o.type] : undefined;
  if (!defaults) {
    issues.push({ path: at('/type'), reason: `unknown optimizer type ${JSON.stringify(o.type)}; known: ${OPTIMIZER_TYPES.join(', ')}` });
    return null;
  }
  const before = issues.length;
  const readLr = (v: unknown, p: string): number => {
    if (!isNum(v) || v < 0) issues.push({ path: at(p), reason: `Invalid learning rate: ${String(v)}` });
    return v as number;
  };
  const readMomentum = (v: unknown, p: string): number => {
    if (!isNum(v) || v < 0) issues.push({ path: at(p), reason: `Invalid momentum value: ${String(v)}` });
    return v as number;
  };
  const readBetas = (v: unknown, p: string): [number, number] => {
    if (!Array.isArray(v) || v.length !== 2) {
      issues.push({ path: at(p), reason: 'betas must be a pair [beta1, beta2]' });
      return [0.9, 0.999];
    }
    v.forEach((b, i) => {
      if (!isNum(b) || b < 0 || b >= 1) issues.push({ path: at(`${p}/${i}`), reason: `Invalid beta parameter at index ${i}: ${String(b)}` });
    });
    return v as [number, number];
  };

  const topLr = o.lr === undefined ? defaults.lr : readLr(o.lr, '/lr');
  const hasTopMomentum = o.momentum !== undefined;
  const topMomentum = hasTopMomentum ? readMomentum(o.momentum, '/momentum') : 0;
  const topBetas = o.betas === undefined ? ([0.9, 0.999] as [number, number]) : readBetas(o.betas, '/betas');

  let groups: Array<Record<string, unknown>> = [{}];
  if (o.param_groups !== undefined) {
    if (!Array.isArray(o.param_groups) || o.param_groups.length === 0) {
      issues.push({ path: at('/param_groups'), reason: 'optimizer got an empty parameter list' });
      return null;
    }
    groups = o.param_groups as Array<Record<string, unknown>>;
  }
  const lrs: number[] = [];
  const momentum: number[] = [];
  const beta2: number[] = [];
  let sawMomentumKey = hasTopMomentum;
  groups.forEach((g, i) => {
    const p = `/param_groups/${i}`;
    if (typeof g !== 'object' || g === null || Array.isArray(g)) {
      issues.push({ path: at(p), reason: 'param group must be an object' });
      return;
    }
    lrs.push(g.lr === undefined ? topLr : readLr(g.lr, `${p}/lr`));
    if (defaults.momentum === 'betas') {
      const betas = g.betas === undefined ? topBetas : readBetas(g.betas, `${p}/betas`);
      momentum.push(betas[0]);
      beta2.push(betas[1]);
    } else {
      if (g.momentum !== undefined) sawMomentumKey = true;
      momentum.push(g.momentum === undefined ? topMomentum : readMomentum(g.momentum, `${p}/momentum`));
      beta2.push(NaN);
    }
  });
  if (issues.length > before) return null;
  const report = defaults.momentum === 'betas' || (defaults.momentum === 'momentum' && sawMomentumKey);
  return new OptimizerState(o.type, defaults.momentum, lrs, momentum, beta2, report);
}

/** Throws the first optimizer issue as a ScheduleError. */
export function optimizerOrThrow(spec: unknown): OptimizerState {
  const issues: OptimizerIssue[] = [];
  const opt = readOptimizer(spec, issues);
  const first = issues[0];
  if (first || !opt) throw new ScheduleError(first?.path ?? 'optimizer:', first?.reason ?? 'invalid optimizer');
  return opt;
}
