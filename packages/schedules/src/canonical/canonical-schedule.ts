// One configuration, one entry: two specs that PyTorch would build into the same scheduler
// (a default written out or left implicit, keys in another order, 2 or 2.0) have one
// canonical form, and its JSON (scheduleKey) is what a sweep deduplicates and the leaderboard
// groups by.
import { naturalInterval } from '../create-scheduler.ts';
import { DEFINITION_BY_TYPE } from '../parsing/scheduler-definitions.ts';
import { SpecReader, type Issue } from '../parsing/spec-reader.ts';
import type { ScheduleSpec } from '../types.ts';

type Spec = Record<string, unknown>;

const isSpec = (v: unknown): v is Spec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The spec's own parameters plus PyTorch's default for every one it leaves out. */
function withDefaults(spec: Spec): Spec | null {
  const def = typeof spec.type === 'string' ? DEFINITION_BY_TYPE.get(spec.type) : undefined;
  if (!def) return null;
  const issues: Issue[] = [];
  // The defaults come from the schedulers' own parse functions, so they cannot drift from
  // what training uses. Children are canonicalised on their own below, not through ctx.
  const reader = new SpecReader(spec, '', issues, undefined);
  def.parse(reader, { momentumKind: undefined, parseChild: () => null });
  const { last_epoch: _onlyMinusOne, ...params } = spec;
  const out: Spec = { ...reader.defaults, ...params };
  if (Array.isArray(out.schedulers)) out.schedulers = out.schedulers.map((child) => (isSpec(child) ? canonicalChild(child) : child));
  return out;
}

function canonicalChild(spec: Spec): Spec {
  return withDefaults(spec) ?? spec;
}

/**
 * A schedule with PyTorch's defaults filled in and `interval` made explicit (its natural one
 * when absent); `last_epoch` (only -1 is accepted) is dropped. A spec that does not validate
 * comes back as it is: validation, not this, reports its problems.
 */
export function canonicalSchedule(spec: ScheduleSpec): ScheduleSpec {
  const filled = withDefaults(spec);
  if (!filled) return spec;
  let interval = spec.interval;
  try {
    interval ??= naturalInterval(spec);
  } catch {
    return spec;
  }
  return { ...(filled as ScheduleSpec), interval };
}

/**
 * JSON with keys sorted at every depth; numbers as JavaScript prints them, so 2 and 2.0 (one
 * number once parsed) and -0 and 0 are written alike.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}';
  }
  return JSON.stringify(value);
}

/** The key of a schedule's canonical form: equal for every way of writing one configuration. */
export function scheduleKey(spec: ScheduleSpec): string {
  return canonicalJson(canonicalSchedule(spec));
}
