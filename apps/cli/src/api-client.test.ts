import { describe, expect, it } from 'vitest';
import { API_OPTIONS, ApiClient, apiClient, DEFAULT_API, errorFromBody } from './api-client.ts';
import { CliError } from './cli-error.ts';
import { defineCommand, type Env } from './command.ts';
import { parseArgv } from './parse-argv.ts';

describe('errorFromBody', () => {
  it('gives one line per issue, each led by its JSON pointer, and exit code 2', () => {
    const err = errorFromBody(
      400,
      { error: { code: 'LRS_VALIDATION', message: 'a; b', issues: [{ path: '/schedules/0/step_size', message: 'must be positive' }, { path: '', message: 'bad body' }] } },
      'POST /v1/sweeps',
    );
    expect(err.message).toBe('/schedules/0/step_size: must be positive\n/: bad body');
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe('LRS_VALIDATION');
  });

  it("passes a 404's message on as a user error", () => {
    const err = errorFromBody(404, { error: { code: 'LRS_SWEEP_NOT_FOUND', message: 'sweep x not found' } }, 'GET /v1/sweeps/x');
    expect([err.message, err.exitCode, err.status]).toEqual(['sweep x not found', 2, 404]);
  });

  it("makes the service's own failures exit 1, with or without a body", () => {
    expect(errorFromBody(503, { error: { code: 'LRS_UNAVAILABLE', message: 'Redis is unreachable' } }, 'GET /v1/queue').exitCode).toBe(1);
    const bare = errorFromBody(502, undefined, 'GET /v1/queue');
    expect([bare.message, bare.exitCode, bare.code]).toEqual(['GET /v1/queue answered HTTP 502', 1, 'HTTP_502']);
  });
});

describe('the API options (--api, --json) as the parser reads them', () => {
  const command = defineCommand({
    summary: 'test',
    args: ['ID'],
    options: { state: { type: 'string', value: 'S', description: 'a state' }, ...API_OPTIONS },
    run: async () => 0,
  });
  const parse = (argv: string[], env: Env) => ({ ...parseArgv('t', command, argv, env), env }) as { args: string[]; options: { api: string; json: boolean; state?: string }; env: Env };

  it('takes --api over LRSWEEP_API over the default, without a trailing slash', () => {
    expect(apiClient(parse(['id', '--api', 'http://a:1/'], { LRSWEEP_API: 'http://b:2' })).base).toBe('http://a:1');
    expect(apiClient(parse(['id'], { LRSWEEP_API: 'http://b:2' })).base).toBe('http://b:2');
    expect(apiClient(parse(['id'], {})).base).toBe(DEFAULT_API);
  });

  it("returns the command's own options, positionals and --json", () => {
    const cmd = parse(['id', '--state', 'running', '--json'], {});
    expect([cmd.options.state, cmd.args, cmd.options.json]).toEqual(['running', ['id'], true]);
  });

  it('refuses unknown options, a wrong argument count and a URL that is not http, as user errors', () => {
    expect(() => parse(['id', '--nope'], {})).toThrow("t: Unknown option '--nope' (see lrsweep t --help)");
    expect(() => parse([], {})).toThrow('t: expected 1 argument, got 0');
    expect(() => apiClient(parse(['id', '--api', 'ftp://x'], {}))).toThrow(CliError);
    expect(() => new ApiClient('localhost:3000')).toThrow("--api must be an http(s) URL, got 'localhost:3000'");
  });
});

describe('ApiClient authorization', () => {
  it('sends LRSWEEP_API_KEY as a Bearer token, and nothing without one', async () => {
    const { createServer } = await import('node:http');
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      await apiClient({ options: { api: base }, env: { LRSWEEP_API_KEY: 'lrs_secret' } }).get('/v1/queue');
      await apiClient({ options: { api: base }, env: {} }).get('/v1/queue');
    } finally {
      server.close();
    }
    expect(seen).toEqual(['Bearer lrs_secret', undefined]);
  });
});
