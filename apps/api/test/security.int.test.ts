import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@lrsweep/db';
import { startStack, type Stack } from './stack.ts';

// Headers, CORS, the auth-off default and what reaches the logs, on two stacks: one on
// loopback as `lrsweep serve` starts by default, one with keys and a CORS allow-list.

const sweep = {
  name: 'security',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1 }],
};
const APP_ORIGIN = 'https://app.example';
const EVIL_ORIGIN = 'https://evil.example';

/** Captures the API's log lines, as pino writes them. */
function capture() {
  const lines: string[] = [];
  return { lines, text: () => lines.join(''), to: { write: (line: string) => void lines.push(line) } };
}

let local: Stack;
let keyed: Stack;
const localLog = capture();
const keyedLog = capture();
let key: string;
beforeAll(async () => {
  local = await startStack({ log: { to: localLog.to, level: 'info' } });
  keyed = await startStack({ auth: 'required', env: { LRSWEEP_CORS_ORIGINS: `${APP_ORIGIN},http://localhost:5173` }, log: { to: keyedLog.to, level: 'info' } });
  key = (await createApiKey(keyed.db, { project: 'alpha' })).key;
});
afterAll(async () => {
  await local?.stop();
  await keyed?.stop();
});

describe('with auth off (loopback)', () => {
  it('says so in one line at start', () => {
    const line = localLog.lines.find((l) => l.includes('"auth":"off"'));
    expect(line).toMatch(/auth: off/);
    expect(keyedLog.lines.find((l) => l.includes('"auth":"required"'))).toMatch(/auth: required/);
  });

  it("acts in project 'default'", async () => {
    const res = await local.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweep });
    expect(res.statusCode, res.body).toBe(201);
    expect((await local.db.sweep.findUniqueOrThrow({ where: { id: res.json().id } })).project).toBe('default');
    expect((await local.app.inject({ url: '/v1/sweeps' })).json().total).toBe(1);
  });
});

describe('security headers', () => {
  it.each([
    ['a JSON reply', '/v1/queue', 200],
    ['an error', '/v1/sweeps/not-a-uuid', 400],
  ])('come with %s', async (_what, url, status) => {
    const res = await local.app.inject({ url });
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    // Over plain http on localhost this would break every same-origin script.
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
  });

  it('leave /docs working: every script it loads is a same-origin file, none inline', async () => {
    const page = await local.app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) {
      const src = /src="([^"]+)"/.exec(attrs)?.[1];
      expect(src, `inline script in /docs: <script${attrs}>`).toBeDefined();
      expect(src).not.toMatch(/^(https?:)?\/\//);
      const asset = await local.app.inject({ url: new URL(src!, 'http://x/docs/').pathname });
      expect(asset.statusCode, src).toBe(200);
    }
    expect((await local.app.inject({ url: '/docs/json' })).statusCode).toBe(200);
  });
});

describe('CORS', () => {
  it('allows no origin by default', async () => {
    const res = await local.app.inject({ url: '/v1/queue', headers: { origin: APP_ORIGIN } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a preflight from an allowed origin without a key, naming the headers it may send', async () => {
    const res = await keyed.app.inject({
      method: 'OPTIONS',
      url: '/v1/sweeps',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(String(res.headers['access-control-allow-headers'])).toMatch(/authorization/);
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
  });

  it('lets an allowed origin read a reply, and no other origin', async () => {
    const allowed = await keyed.app.inject({ url: '/v1/sweeps', headers: { origin: APP_ORIGIN, authorization: `Bearer ${key}` } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(APP_ORIGIN);

    const evil = await keyed.app.inject({ url: '/v1/sweeps', headers: { origin: EVIL_ORIGIN, authorization: `Bearer ${key}` } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await keyed.app.inject({ method: 'OPTIONS', url: '/v1/sweeps', headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('logs', () => {
  it('never hold an API key, whether sent as a header or as ?key=', async () => {
    keyedLog.lines.length = 0;
    await keyed.app.inject({ url: '/v1/sweeps', headers: { authorization: `Bearer ${key}` } });
    await keyed.app.inject({ url: '/v1/sweeps', headers: { authorization: `Bearer ${key.slice(0, -2)}zz` } });
    await keyed.app.inject({ url: `/v1/sweeps/00000000-0000-4000-8000-000000000000/events?key=${key}` });
    const text = keyedLog.text();
    // The requests were logged (so this test can fail), with the query value scrubbed...
    expect(text).toMatch(/incoming request/);
    expect(text).toContain('/events?key=[redacted]');
    // ...and the key appears nowhere, not even its secret part or the header.
    expect(text).not.toContain(key.slice(12));
    expect(text).not.toContain(key.slice(0, -2));
    expect(text).not.toMatch(/Bearer/i);
  });

  it('scrub passwords in connection strings from messages and errors', () => {
    localLog.lines.length = 0;
    local.app.log.error({ err: new Error('connect to postgresql://lrsweep:hunter2@db:5432/lrsweep failed'), databaseUrl: 'postgresql://lrsweep:hunter2@db/x' }, 'retrying redis://:hunter2@cache:6379');
    const text = localLog.text();
    expect(text).toContain('postgresql://lrsweep:***@db:5432/lrsweep');
    expect(text).toContain('redis://:***@cache:6379');
    expect(text).not.toContain('hunter2');
  });
});
