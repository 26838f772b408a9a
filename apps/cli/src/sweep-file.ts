// A sweep file is the JSON body of POST /v1/sweeps, written as JSON or YAML: YAML for people
// who want comments and no braces. The API validates it; here it only has to parse.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CliError } from './cli-error.ts';

/** Parses sweep-file text; `.json` files as JSON (sharper errors), anything else as YAML 1.2, which also reads JSON. */
export function parseSweepText(text: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = extname(name).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliError(`${name}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${name}: a sweep file holds one object (name, task, schedules, seeds, objective), found ${value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

/** Reads and parses a sweep file; `-` reads stdin. */
export async function readSweepFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${file}: no such file` : `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseSweepText(text, file === '-' ? 'stdin' : file);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
