/**
 * Grid expansion, W&B style: inside a schedule entry, any object of the exact form
 * `{"values": [...]}` is an axis; the entry expands to the product of its axes. Everything
 * else is a literal, so `"milestones": [3, 6]` is one value. Axes may sit at any depth, e.g.
 * in a SequentialLR child: `{"schedulers": [{"type": "LinearLR", "total_iters": {"values": [2, 4]}}]}`.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Axis {
  path: string[];
  values: Json[];
}

function isAxis(value: unknown): value is { values: Json[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    Array.isArray((value as { values?: unknown }).values)
  );
}

function findAxes(value: unknown, path: string[], out: Axis[]): void {
  if (isAxis(value)) {
    out.push({ path, values: value.values });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => findAxes(v, [...path, String(i)], out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) findAxes(v, [...path, k], out);
  }
}

export const pointer = (path: string[]): string => path.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('');

function withValue(value: Json, path: string[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? withValue(v, rest, replacement) : v));
  const obj = value as { [key: string]: Json };
  return { ...obj, [head]: withValue(obj[head] as Json, rest, replacement) };
}

export interface GridEntry {
  axes: Axis[];
  size: number;
}

/**
 * Axes of one schedule entry, or issues when an axis is empty. Issues have the API's issue
 * shape (a JSON pointer into the request under `at`, and a message), as validateSchedule's do.
 */
export function gridOf(entry: unknown, at: string): { grid: GridEntry; issues: Array<{ path: string; message: string }> } {
  const axes: Axis[] = [];
  findAxes(entry, [], axes);
  const issues = axes
    .filter((a) => a.values.length === 0)
    .map((a) => ({ path: at + pointer(a.path) + '/values', message: 'a grid axis needs at least one value' }));
  return { grid: { axes, size: axes.reduce((n, a) => n * Math.max(1, a.values.length), 1) }, issues };
}

export interface ConcreteSchedule {
  schedule: Record<string, unknown>;
  /** For each axis, the pointer of the chosen value inside the request, to name it in errors. */
  choices: string[];
}

/** Every concrete schedule of one entry, in odometer order (last axis fastest). */
export function* expandEntry(entry: Record<string, unknown>, grid: GridEntry, at: string): Generator<ConcreteSchedule> {
  const { axes } = grid;
  const idx = axes.map(() => 0);
  for (let n = 0; n < grid.size; n++) {
    let schedule = entry as Json;
    const choices: string[] = [];
    axes.forEach((axis, a) => {
      schedule = withValue(schedule, axis.path, axis.values[idx[a]!]!);
      choices.push(`${at}${pointer(axis.path)}/values/${idx[a]}`);
    });
    yield { schedule: schedule as Record<string, unknown>, choices };
    for (let a = axes.length - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < axes[a]!.values.length) break;
      idx[a] = 0;
    }
  }
}

/** Canonical JSON (sorted keys): two schedules that differ only in key order group together. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}';
  }
  return JSON.stringify(value);
}
