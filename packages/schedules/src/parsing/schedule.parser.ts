// Turns an untrusted spec (plus, when known, the optimizer) into a ParsedSpec tree, collecting
// every issue. `interval` is taken off first so it never reaches PyTorch's parameter checks.
import { SpecReader, type Issue } from './spec-reader.ts';
import { DEFINITION_BY_TYPE, SCHEDULER_TYPES } from './scheduler-definitions.ts';
import type { ParsedSpec } from './schedule-definition.ts';
import type { Interval } from '../types.ts';

export interface ParseOptions {
  groups: number | undefined;
  momentumKind: 'momentum' | 'betas' | null | undefined;
}

export function parseSpec(spec: unknown, path: string, issues: Issue[], options: ParseOptions): ParsedSpec | null {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    issues.push({ path, reason: `a schedule must be an object like {"type": "StepLR", ...}, got ${spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec}` });
    return null;
  }
  const s = spec as Record<string, unknown>;
  const def = typeof s.type === 'string' ? DEFINITION_BY_TYPE.get(s.type) : undefined;
  if (!def) {
    const got = s.type === undefined ? 'no type' : `unknown type ${JSON.stringify(s.type)}`;
    issues.push({ path: `${path}/type`, reason: `${got}; expected one of ${SCHEDULER_TYPES.join(', ')}` });
    return null;
  }
  const before = issues.length;
  let interval: Interval | undefined;
  if (s.interval !== undefined) {
    if (s.interval === 'epoch' || s.interval === 'step') interval = s.interval;
    else issues.push({ path: `${path}/interval`, reason: `interval must be "epoch" or "step", got ${JSON.stringify(s.interval)}` });
  }
  const r = new SpecReader(s, path, issues, options.groups);
  if (def.lastEpoch && s.last_epoch !== undefined) {
    const le = r.raw('last_epoch');
    if (le !== -1) r.issue(r.path('last_epoch'), 'only last_epoch=-1 is supported; resume a scheduler with loadStateDict instead');
  }
  const parsed = def.parse(r, { momentumKind: options.momentumKind, parseChild: (child, childPath) => parseSpec(child, childPath, issues, options) });
  r.finish(def.type);
  if (issues.length > before) return null;
  const children = parsed.children ?? [];
  const natural = typeof def.interval === 'function' ? def.interval(children) : def.interval;
  return { type: def.type, path, interval: interval ?? natural, natural, create: parsed.build };
}
