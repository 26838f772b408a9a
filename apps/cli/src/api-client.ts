// The lrsweep REST API as the CLI's commands use it, and the options every such command
// shares (--api, --json). Each failure becomes one line for the terminal and an exit
// code a script can branch on: 2 for what the user can fix (a bad sweep, an unknown id), 1 when
// the API is unreachable or broken.
import type { CreateSweepBody, ErrorBody, HalvingProgress, SweepSummary, TrialSummary } from '@lrsweep/contracts';
import { CliError } from './cli-error.ts';
import type { Env, OptionSpecs } from './command.ts';

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

/** The options of every command that talks to the API. */
export const API_OPTIONS = {
  api: { type: 'string', value: 'URL', env: 'LRSWEEP_API', default: DEFAULT_API, description: 'the lrsweep API' },
  json: { type: 'boolean', description: "print the API's JSON, for scripts" },
} as const satisfies OptionSpecs;

/** The variables every API command reads besides its options'. */
export const API_ENVIRONMENT = {
  LRSWEEP_API_KEY: 'sent as the API key ("Authorization: Bearer KEY"); `lrsweep keys create` makes one',
} as const;

/** The client for a parsed API command: its --api (or LRSWEEP_API) and LRSWEEP_API_KEY. */
export function apiClient(input: { options: { api: string }; env: Env }): ApiClient {
  return new ApiClient(input.options.api, input.env.LRSWEEP_API_KEY || undefined);
}

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
export type SweepDetail = SweepSummary & { spec: CreateSweepBody; halving?: HalvingProgress };
