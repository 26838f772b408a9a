// What every scheduler object offers its owner (the public handle or a composite parent).
import { ScheduleError } from '../errors.ts';

export type NodeState = Record<string, unknown>;

export interface SchedulerNode {
  /** PyTorch's class name */
  readonly kind: string;
  step(metric?: number): void;
  stateDict(): NodeState;
  loadStateDict(state: NodeState): void;
}

function bad(key: string): never {
  throw new ScheduleError('', `state_dict does not match this schedule: bad or missing '${key}'`);
}

export function stateNumber(s: NodeState, key: string): number {
  const v = s[key];
  return typeof v === 'number' ? v : bad(key);
}

export function stateNumbers(s: NodeState, key: string, into: number[]): void {
  const v = s[key];
  if (!Array.isArray(v) || v.length !== into.length || !v.every((x) => typeof x === 'number')) bad(key);
  for (let i = 0; i < into.length; i++) into[i] = v[i] as number;
}

export function stateObjects(s: NodeState, key: string, length: number): NodeState[] {
  const v = s[key];
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'object' && x !== null)) bad(key);
  return v as NodeState[];
}
