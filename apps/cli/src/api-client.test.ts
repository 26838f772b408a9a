import { describe, expect, it } from 'vitest';
import { ApiClient, DEFAULT_API, errorFromBody, parseApiCommand } from './api-client.ts';
import { CliError } from './cli-error.ts';

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

describe('parseApiCommand', () => {
  const spec = { help: 'help\n', options: { state: { type: 'string' as const } }, positionals: { min: 1, max: 1 } };

  it('takes --api over LRSWEEP_API over the default, without a trailing slash', () => {
    expect(parseApiCommand('t', ['id', '--api', 'http://a:1/'], spec, { LRSWEEP_API: 'http://b:2' })!.client.base).toBe('http://a:1');
    expect(parseApiCommand('t', ['id'], spec, { LRSWEEP_API: 'http://b:2' })!.client.base).toBe('http://b:2');
    expect(parseApiCommand('t', ['id'], spec, {})!.client.base).toBe(DEFAULT_API);
  });

  it("returns the command's own options, positionals and --json", () => {
    const cmd = parseApiCommand('t', ['id', '--state', 'running', '--json'], spec, {})!;
    expect([cmd.values.state, cmd.positionals, cmd.json]).toEqual(['running', ['id'], true]);
  });

  it('refuses unknown options, a wrong argument count and a URL that is not http, as user errors', () => {
    expect(() => parseApiCommand('t', ['id', '--nope'], spec, {})).toThrow("t: Unknown option '--nope' (see lrsweep t --help)");
    expect(() => parseApiCommand('t', [], spec, {})).toThrow('t: expected 1 argument, got 0');
    expect(() => parseApiCommand('t', ['id', '--api', 'ftp://x'], spec, {})).toThrow(CliError);
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
      const spec = { help: '', options: {}, positionals: { min: 0, max: 0 } };
      await parseApiCommand('t', ['--api', base], spec as never, { LRSWEEP_API_KEY: 'lrs_secret' })!.client.get('/v1/queue');
      await parseApiCommand('t', ['--api', base], spec as never, {})!.client.get('/v1/queue');
    } finally {
      server.close();
    }
    expect(seen).toEqual(['Bearer lrs_secret', undefined]);
  });
});
