// Reading case files for `lrsweep schedule`: one case object, or {"cases": [...]}, in the
// reference file's format. Every problem becomes a one-line CliError naming the case.
import { readFile } from 'node:fs/promises';
import { ScheduleError, ScheduleStepError, trajectory, type Trajectory, type TrajectoryCase } from '@lrsweep/schedules';
import { CliError } from '../cli-error.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function readCaseFile(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file === '-' ? 'stdin' : file}: invalid JSON: ${(err as Error).message}`);
  }
  if (typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'cases' in doc) {
    const cases = (doc as { cases: unknown }).cases;
    if (!Array.isArray(cases)) throw new CliError(`${file}: "cases" must be a list`);
    return cases;
  }
  return [doc];
}

const caseName = (c: unknown, i: number): string => {
  const id = typeof c === 'object' && c !== null ? (c as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `case ${JSON.stringify(id)}` : `case #${i}`;
};

/** Checks the case envelope (the schedule itself is checked by the schedules package). */
function asCase(c: unknown, name: string): TrajectoryCase {
  const fail = (path: string, reason: string): never => {
    throw new CliError(`${name}: ${path}: ${reason}`);
  };
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return fail('', 'a case must be an object with optimizer, scheduler and steps');
  const o = c as Record<string, unknown>;
  if (typeof o.optimizer !== 'object' || o.optimizer === null) fail('optimizer', 'missing or not an object');
  if (typeof o.scheduler !== 'object' || o.scheduler === null) fail('scheduler', 'missing or not an object');
  if (typeof o.steps !== 'number' || !Number.isInteger(o.steps) || o.steps < 0) fail('steps', `must be a non-negative integer, got ${JSON.stringify(o.steps)}`);
  if (o.metrics !== undefined && (!Array.isArray(o.metrics) || !o.metrics.every((m) => typeof m === 'number'))) fail('metrics', 'must be a list of numbers');
  return o as unknown as TrajectoryCase;
}

export function runCases(cases: unknown[]): Trajectory[] {
  return cases.map((raw, i) => {
    const name = caseName(raw, i);
    const c = asCase(raw, name);
    try {
      const t = trajectory(c);
      return c.id === undefined ? t : { ...t, id: c.id };
    } catch (err) {
      if (err instanceof ScheduleError) throw new CliError(`${name}: ${err.message}`);
      if (err instanceof ScheduleStepError) throw new CliError(`${name}: ${err.reason}`);
      throw err;
    }
  });
}
