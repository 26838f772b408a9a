// The lrsweep REST API as the CLI's commands use it, and the options every such command
// shares (--api, --json, --help). Each failure becomes one line for the terminal and an exit
// code a script can branch on: 2 for what the user can fix (a bad sweep, an unknown id), 1 when
// the API is unreachable or broken.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CreateSweepBody, ErrorBody, SweepSummary, TrialSummary } from '@lrsweep/contracts';
import { CliError } from './cli-error.ts';

export const DEFAULT_API = 'http://127.0.0.1:3000';

/** An answer of the API with an error body: its HTTP status and stable code, for commands that branch on them. */
export class ApiCallError extends CliError {
  constructor(
    message: string,
    exitCode: number,
    readonly status: number,
    readonly code: string,
  ) {
    super(message, exitCode);
  }
}

export class ApiClient {
  readonly base: string;

  /** @param apiKey sent as `Authorization: Bearer` when set (an API listening beyond loopback requires one). */
  constructor(
    base: string,
    private readonly apiKey?: string,
  ) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new CliError(`--api must be an http(s) URL, got '${base}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--api must be an http(s) URL, got '${base}'`);
    this.base = base.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch {
      throw new CliError(`cannot reach the lrsweep API at ${this.base}: is \`npx lrsweep serve\` running?`, 1);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(`${this.base} answered ${method} ${path} with HTTP ${res.status} and no JSON: is it the lrsweep API?`, 1);
    }
    if (res.ok) return json as T;
    throw errorFromBody(res.status, json, `${method} ${path}`);
  }
}

/** The API's error body as one line per issue (`/schedules/0/step_size: ...`), or its message. */
export function errorFromBody(status: number, json: unknown, what: string): ApiCallError {
  const error = (json as Partial<ErrorBody> | undefined)?.error;
  const code = error?.code ?? `HTTP_${status}`;
  const issues = error?.issues ?? [];
  const message = issues.length > 0 ? issues.map((i) => `${i.path || '/'}: ${i.message}`).join('\n') : (error?.message ?? `${what} answered HTTP ${status}`);
  // 4xx is about what was asked (fixable by the user); 5xx is the service's own trouble.
  return new ApiCallError(message, status >= 500 ? 1 : 2, status, code);
}

const shared = {
  api: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof shared; allowPositionals: true; strict: true }>>;

export interface ApiCommand<O extends Options> {
  values: Parsed<O>['values'];
  positionals: string[];
  json: boolean;
  client: ApiClient;
}

/**
 * Parses a command's arguments with the shared options added. Returns null after printing
 * `help` for --help; `positionals` says how many arguments the command takes (named in help).
 */
export function parseApiCommand<O extends Options>(
  name: string,
  argv: string[],
  spec: { help: string; options?: O; positionals: { min: number; max: number } },
  env: NodeJS.ProcessEnv = process.env,
): ApiCommand<O> | null {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...(spec.options ?? ({} as O)), ...shared }, allowPositionals: true, strict: true }) as Parsed<O>;
  } catch (err) {
    // Node's parser adds advice about '--' after the first sentence; the first says what is wrong.
    throw new CliError(`${name}: ${(err as Error).message.split(/\.\s|\n/)[0]} (see lrsweep ${name} --help)`);
  }
  const common = parsed.values as { api?: string; json?: boolean; help?: boolean };
  if (common.help) {
    process.stdout.write(spec.help);
    return null;
  }
  const { min, max } = spec.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new CliError(`${name}: expected ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${parsed.positionals.length} (see lrsweep ${name} --help)`);
  }
  const base = common.api ?? (env.LRSWEEP_API || DEFAULT_API);
  return { values: parsed.values, positionals: parsed.positionals, json: common.json === true, client: new ApiClient(base, env.LRSWEEP_API_KEY || undefined) };
}

/** The usage lines every API command ends its help with. */
export const SHARED_HELP = `  --api URL     the lrsweep API (default: $LRSWEEP_API, else ${DEFAULT_API}); $LRSWEEP_API_KEY is sent as the API key
  --json        print the API's JSON, for scripts
  -h, --help    show this help
`;

/** Path-safe id: an id a user typed goes into the URL as one segment. */
export const seg = (id: string) => encodeURIComponent(id);

/** Every trial of a sweep (optionally in one state), page by page at the API's largest page size. */
export async function listAllTrials(client: ApiClient, sweepId: string, state?: string): Promise<TrialSummary[]> {
  const items: TrialSummary[] = [];
  for (let page = 1; ; page++) {
    const query = new URLSearchParams({ page: String(page), pageSize: '500', ...(state ? { state } : {}) });
    const list = await client.get<{ items: TrialSummary[]; total: number }>(`/v1/sweeps/${seg(sweepId)}/trials?${query}`);
    items.push(...list.items);
    if (list.items.length === 0 || items.length >= list.total) return items;
  }
}

/** GET /v1/sweeps/:id: the summary and the spec as submitted. */
export type SweepDetail = SweepSummary & { spec: CreateSweepBody };
