// `lrsweep workers`: the workers the API knows of (GET /v1/workers), whatever fields it lists.
import { ApiCallError, parseApiCommand, SHARED_HELP } from '../api-client.ts';
import { CliError } from '../cli-error.ts';
import { print, printJson } from '../format/output.ts';
import { renderTable } from '../format/table.ts';

const HELP = `usage: lrsweep workers

The training workers registered with the API, one row each (GET /v1/workers).

options:
${SHARED_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const cmd = parseApiCommand('workers', argv, { help: HELP, positionals: { min: 0, max: 0 } });
  if (!cmd) return 0;
  let body: unknown;
  try {
    body = await cmd.client.get<unknown>('/v1/workers');
  } catch (err) {
    // An API older than this command has no such route: say so rather than "no route GET ...".
    if (err instanceof ApiCallError && err.code === 'LRS_ROUTE_NOT_FOUND') {
      throw new CliError(`the API at ${cmd.client.base} does not list workers (no GET /v1/workers; it predates the worker registry); lrsweep queue shows how many are connected`, 1);
    }
    throw err;
  }
  if (cmd.json) {
    printJson(body);
    return 0;
  }
  const rows = rowsOf(body);
  if (rows.length === 0) {
    print('no workers registered');
    return 0;
  }
  print(recordsTable(rows));
  return 0;
}

/** The list in the body: the body itself, or its first array field (`items`, `workers`). */
function rowsOf(body: unknown): Record<string, unknown>[] {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  if (body && typeof body === 'object') {
    const list = Object.values(body).find(Array.isArray);
    if (list) return list as Record<string, unknown>[];
  }
  return [];
}

/** Any records as a table: a column per field in first-seen order, nested values as compact JSON. */
export function recordsTable(records: Record<string, unknown>[]): string {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return renderTable(
    keys.map((k) => ({ header: k, align: records.every((r) => typeof r[k] === 'number' || r[k] == null) ? ('right' as const) : ('left' as const) })),
    records.map((r) => keys.map((k) => cell(r[k]))),
  );
}
