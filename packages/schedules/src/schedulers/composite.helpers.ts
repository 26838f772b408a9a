// What SequentialLR and ChainedScheduler share: reading the child specs and PyTorch's
// refusal of ReduceLROnPlateau (its step needs a metric the composite cannot pass on).
import type { LRScheduler } from '../core/lr-scheduler.ts';
import type { OptimizerState } from '../core/optimizer-state.ts';
import type { ParseContext, ParsedSpec } from '../parsing/schedule-definition.ts';
import type { SpecReader } from '../parsing/spec-reader.ts';

export function readChildren(r: SpecReader, ctx: ParseContext, owner: string): ParsedSpec[] {
  const list = r.raw('schedulers');
  if (list === undefined) {
    r.issue(r.path('schedulers'), "missing 1 required argument: 'schedulers'");
    return [];
  }
  if (!Array.isArray(list)) {
    r.issue(r.path('schedulers'), 'schedulers must be a list of scheduler specs');
    return [];
  }
  if (list.length < 1) {
    r.issue(r.path('schedulers'), `${owner} expects at least one scheduler, but got no scheduler.`);
    return [];
  }
  const parsed: ParsedSpec[] = [];
  list.forEach((spec, i) => {
    const path = `${r.path('schedulers')}/${i}`;
    const child = ctx.parseChild(spec, path);
    if (child?.type === 'ReduceLROnPlateau') {
      r.issue(
        path,
        `${owner} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`,
      );
    } else if (child) parsed.push(child);
  });
  return parsed;
}

/** Children are built in order on the shared optimizer, each doing its initial step, as in Python. */
export function buildChildren(opt: OptimizerState, children: ParsedSpec[]): LRScheduler[] {
  return children.map((c) => c.create(opt) as LRScheduler);
}

export const anyStep = (children: ParsedSpec[]): 'epoch' | 'step' => (children.some((c) => c.interval === 'step') ? 'step' : 'epoch');
