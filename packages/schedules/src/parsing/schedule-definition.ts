// The contract between scheduler-definitions.ts and each scheduler file: how to read a spec's parameters
// and, once they are valid, how to build the PyTorch-twin object on a shared optimizer.
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { SchedulerNode } from '../core/scheduler-node.ts';
import type { Interval } from '../types.ts';
import type { SpecReader } from './spec-reader.ts';

/** A spec that passed validation, ready to be built (composites hold their children's). */
export interface ParsedSpec {
  type: string;
  path: string;
  /** the interval the scheduler runs at: the spec's `interval`, else its natural one */
  interval: Interval;
  /** the interval the type implies, ignoring this spec's own `interval` */
  natural: Interval;
  create(opt: OptimizerState): SchedulerNode;
}

export interface ParseContext {
  /** momentum key the optimizer's defaults hold; undefined when no optimizer is known */
  momentumKind: 'momentum' | 'betas' | null | undefined;
  parseChild(spec: unknown, path: string): ParsedSpec | null;
}

export interface ScheduleDefinition {
  type: string;
  /** PyTorch's scheduler takes `last_epoch` (only -1 is accepted here; resume with loadStateDict) */
  lastEpoch: boolean;
  /** natural interval; composites derive theirs from their children */
  interval: Interval | ((children: ParsedSpec[]) => Interval);
  /** reads and checks parameters; returns the builder, or children for composites */
  parse(r: SpecReader, ctx: ParseContext): { build: (opt: OptimizerState) => SchedulerNode; children?: ParsedSpec[] };
}

/** PyTorch 2.x `_format_param` message for a per-group list of the wrong length. */
export const formatParamReason =
  (name: string) =>
  (got: number, want: number): string =>
    `${name} must have the same length as optimizer.param_groups. ${name} has ${got} values, param_groups has ${want}.`;
