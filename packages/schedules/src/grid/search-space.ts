/**
 * Random and quasi-random (Sobol) search over one schedule entry. Its parameters are the grid
 * axes (`{"values": [...]}`) and distributions (`{"distribution": ...}`, see distributions.ts)
 * found at any depth; each configuration maps one point of [0, 1)^d to a value per parameter.
 * An axis is sampled uniformly from its values, as W&B does under random search.
 */
import { isDistribution, parseDistribution } from './distributions.ts';
import { pointer } from './expand-grid.ts';
import { mulberry32 } from '@lrsweep/stats';
import { sobolSequence, SOBOL_MAX_DIMENSIONS } from './sobol.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Issue = { path: string; message: string };

export interface SearchParameter {
  /** Where the value goes in the concrete schedule. */
  path: string[];
  /** Where the parameter is written in the request (a JSON pointer), to name it. */
  at: string;
  kind: 'values' | 'distribution';
  draw: (u: number) => Json;
}

const isAxis = (v: unknown): v is { values: unknown[] } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && Array.isArray((v as { values?: unknown }).values);

function find(value: unknown, path: string[], at: string, out: SearchParameter[], issues: Issue[]): void {
  const here = at + pointer(path);
  if (isAxis(value)) {
    const values = value.values as Json[];
    if (values.length === 0) issues.push({ path: `${here}/values`, message: 'a grid axis needs at least one value' });
    else out.push({ path, at: here, kind: 'values', draw: (u) => values[Math.min(values.length - 1, Math.floor(u * values.length))]! });
  } else if (isDistribution(value)) {
    const parsed = parseDistribution(value, here);
    if ('issues' in parsed) issues.push(...parsed.issues);
    else out.push({ path, at: here, kind: 'distribution', draw: parsed.draw });
  } else if (Array.isArray(value)) value.forEach((v, i) => find(v, [...path, String(i)], at, out, issues));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) find(v, [...path, k], at, out, issues);
}

/** Where `value` holds distributions: a grid enumerates values and cannot take them. */
export function distributionPointers(value: unknown, at: string): string[] {
  if (isDistribution(value)) return [at];
  if (isAxis(value)) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => distributionPointers(v, `${at}/${i}`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => distributionPointers(v, at + pointer([k])));
  return [];
}

/** The searched parameters of `value` (a schedule entry), named under `at`, or their issues. */
export function searchSpaceOf(value: unknown, at: string): { parameters: SearchParameter[]; issues: Issue[] } {
  const parameters: SearchParameter[] = [];
  const issues: Issue[] = [];
  find(value, [], at, parameters, issues);
  return { parameters, issues };
}

function withValue(value: Json, path: string[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === head ? withValue(v, rest, replacement) : v));
  const obj = (value ?? {}) as { [key: string]: Json };
  return { ...obj, [head]: withValue(obj[head] as Json, rest, replacement) };
}

export interface DrawnConfiguration {
  schedule: Record<string, unknown>;
  /** Each parameter's drawn value, named by where it is written: `/schedules/0/gamma = 0.31`. */
  choices: string[];
}

/** The configuration at one point of [0, 1)^d, d = parameters.length. */
export function configurationAt(entry: Record<string, unknown>, parameters: SearchParameter[], point: number[]): DrawnConfiguration {
  let schedule = entry as Json;
  const choices = parameters.map((p, d) => {
    const value = p.draw(point[d]!);
    schedule = withValue(schedule, p.path, value);
    return `${p.at} = ${JSON.stringify(value)}`;
  });
  return { schedule: schedule as Record<string, unknown>, choices };
}

export type SearchMethod = 'random' | 'sobol';

export const MAX_SEARCH_DIMENSIONS = SOBOL_MAX_DIMENSIONS;

/**
 * Points of [0, 1)^dims without end, the same for the same (method, seed, stream): `stream`
 * separates the schedule entries of one sweep, so adding an entry leaves the others' draws
 * alone. Sobol points are digitally shifted (each coordinate's bits XORed with a seeded word),
 * which keeps their even spread and makes the seed matter; the first point is then not the
 * corner where every parameter sits at its minimum.
 */
export function* searchPoints(method: SearchMethod, dims: number, seed: number, stream: number): Generator<number[]> {
  const random = mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35));
  if (method === 'random') {
    for (;;) yield Array.from({ length: dims }, random);
  }
  const shift = Array.from({ length: dims }, () => Math.floor(random() * 2 ** 32));
  for (const p of sobolSequence(dims)) yield p.map((x, d) => (((x * 2 ** 32) ^ shift[d]!) >>> 0) / 2 ** 32);
}
