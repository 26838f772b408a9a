import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '@lrsweep/db';
import { registryTtlMs, startHeartbeat } from '@lrsweep/queue';
import { startStack, type Stack } from './stack.ts';

// API keys: who may call, and what each key sees. Auth is on as it is on a public address.

const RATE_LIMIT = 25;
const CLI = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
const run = promisify(execFile);

const sweep = {
  name: 'auth',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1 }],
  seeds: 2,
};
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let stack: Stack;
let alpha: string;
let beta: string;
let operator: string;
beforeAll(async () => {
  stack = await startStack({ auth: 'required', env: { LRSWEEP_RATE_LIMIT: String(RATE_LIMIT) } });
  alpha = (await createApiKey(stack.db, { project: 'alpha' })).key;
  beta = (await createApiKey(stack.db, { project: 'beta' })).key;
  operator = (await createApiKey(stack.db, { project: 'ops', admin: true })).key;
});
afterAll(async () => {
  await stack?.stop();
});

describe('without a valid key', () => {
  it.each([
    ['GET', '/v1/sweeps'],
    ['POST', '/v1/sweeps'],
    ['GET', `/v1/sweeps/${UNKNOWN_ID}`],
    ['GET', '/v1/queue'],
    ['GET', '/docs/json'],
    ['GET', '/docs'],
    ['GET', '/metrics'],
    ['GET', '/admin/queues'],
  ] as const)('%s %s is 401', async (method, url) => {
    const res = await stack.app.inject({ method, url, ...(method === 'POST' ? { payload: sweep } : {}) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json().error).toMatchObject({ code: 'LRS_UNAUTHORIZED', message: expect.stringMatching(/Authorization: Bearer/) });
  });

  it.each([
    ['an unknown key', 'lrs_' + 'A'.repeat(43)],
    ['not one of our keys', 'abc'],
    ['a known key with its last character changed', () => alpha.slice(0, -1) + (alpha.endsWith('A') ? 'B' : 'A')],
    ['a known key with a character added', () => alpha + 'x'],
  ])('refuses %s', async (_what, key) => {
    const res = await stack.app.inject({ url: '/v1/sweeps', headers: bearer(typeof key === 'function' ? key() : key) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/not valid/);
  });

  it.each([`Basic ${Buffer.from('u:p').toString('base64')}`, 'Bearer', 'lrs_x'])('refuses the header %j', async (authorization) => {
    const res = await stack.app.inject({ url: '/v1/sweeps', headers: { authorization } });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a key in the query string outside the events route', async () => {
    const res = await stack.app.inject({ url: `/v1/sweeps?key=${alpha}` });
    expect(res.statusCode).toBe(401);
  });

  it("serves the dashboard's static files, which hold no data, without a key", async () => {
    const page = await stack.app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    // A path no route serves falls through to the static files: still 404, never data.
    expect((await stack.app.inject({ url: '/v1/no/such/route' })).statusCode).toBe(404);
  });

  it('keeps the probes open', async () => {
    expect((await stack.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await stack.app.inject({ url: '/readyz' })).json()).toEqual({ ok: true, postgres: true, redis: true });
  });
});

describe('admin routes', () => {
  const cookieOf = (key: string) => ({ cookie: `lrsweep_admin=${key}` });

  it.each(['/metrics', '/admin/queues', '/admin/queues/api/queues'])("refuses a project key on %s, which shows every project's data", async (url) => {
    const res = await stack.app.inject({ url, headers: bearer(alpha) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'LRS_FORBIDDEN', message: expect.stringMatching(/needs an admin key \(lrsweep keys create --project P --admin\)/) });
  });

  it.each(['/metrics', '/admin/queues'])('serves %s to an admin key', async (url) => {
    const res = await stack.app.inject({ url, headers: bearer(operator) });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('swaps ?key= on Bull Board for a cookie that opens Bull Board and nothing else', async () => {
    const res = await stack.app.inject({ url: `/admin/queues?key=${operator}&status=latest` });
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe('/admin/queues?status=latest');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^lrsweep_admin=${operator};`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/admin/queues');
    expect(setCookie).not.toContain('Secure');

    // The page, then the XHR call it makes, with the cookie alone.
    expect((await stack.app.inject({ url: '/admin/queues', headers: cookieOf(operator) })).statusCode).toBe(200);
    const api = await stack.app.inject({ url: '/admin/queues/api/queues', headers: cookieOf(operator) });
    expect(api.statusCode, api.body).toBe(200);
    // The cookie is Bull Board's: any other route still wants the header.
    expect((await stack.app.inject({ url: '/v1/sweeps', headers: cookieOf(operator) })).statusCode).toBe(401);
  });

  it('refuses a project key in the query or the cookie, and sets no cookie for it', async () => {
    const viaQuery = await stack.app.inject({ url: `/admin/queues?key=${alpha}` });
    expect(viaQuery.statusCode).toBe(403);
    expect(viaQuery.headers['set-cookie']).toBeUndefined();
    const viaCookie = await stack.app.inject({ url: '/admin/queues', headers: cookieOf(alpha) });
    expect(viaCookie.statusCode).toBe(403);
    expect(viaCookie.json().error.code).toBe('LRS_FORBIDDEN');
    expect((await stack.app.inject({ url: `/admin/queues?key=lrs_${'C'.repeat(43)}` })).statusCode).toBe(401);
  });

  it("lists every worker to a project key but only its own project's current trials", async () => {
    // Its own project, so the sweeps the 'projects' tests count stay alpha's one.
    const delta = (await createApiKey(stack.db, { project: 'delta' })).key;
    const created = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', headers: bearer(delta), payload: sweep });
    expect(created.statusCode, created.body).toBe(201);
    const trials = (await stack.db.trial.findMany({ where: { sweepId: created.json().id }, select: { id: true } })).map((t) => t.id);
    const elsewhere = '11111111-1111-4111-8111-111111111111';
    const now = new Date().toISOString();
    // A registry entry as a worker writes it, without running one.
    const heartbeat = startHeartbeat(
      stack.app.redis,
      stack.prefix,
      { id: 'w-auth', host: 'test', pid: 1, gpu: null, backend: 'noop', currentTrials: [...trials, elsewhere], trialsDone: 0, samplesPerSecond: null, startedAt: now, lastSeenAt: now },
      registryTtlMs(30_000),
      (err) => {
        throw err;
      },
    );
    try {
      const currentTrials = async (key: string) => {
        const res = await stack.app.inject({ url: '/v1/workers', headers: bearer(key) });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().items.find((w: { id: string }) => w.id === 'w-auth')?.currentTrials;
      };
      await expect.poll(() => currentTrials(operator)).toEqual([...trials, elsewhere]);
      expect(await currentTrials(delta)).toEqual(trials);
      expect(await currentTrials(beta)).toEqual([]);
    } finally {
      await heartbeat.stop();
    }
  });
});

describe('a revoked key', () => {
  it('works until revoked, then is 401 at once', async () => {
    const { key, apiKey } = await createApiKey(stack.db, { project: 'alpha', name: 'short-lived' });
    expect((await stack.app.inject({ url: '/v1/sweeps', headers: bearer(key) })).statusCode).toBe(200);
    await revokeApiKey(stack.db, apiKey.id);
    const res = await stack.app.inject({ url: '/v1/sweeps', headers: bearer(key) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('LRS_UNAUTHORIZED');
  });

  it('is stored as a digest with a short prefix, never as the key', async () => {
    const { key, apiKey } = await createApiKey(stack.db, { project: 'alpha' });
    const row = await stack.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.prefix).toBe(key.slice(0, 12));
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key.slice(12));
  });
});

describe('projects', () => {
  let sweepId: string;
  let trialId: string;
  beforeAll(async () => {
    const res = await stack.app.inject({ method: 'POST', url: '/v1/sweeps', headers: bearer(alpha), payload: sweep });
    expect(res.statusCode, res.body).toBe(201);
    sweepId = res.json().id;
    trialId = (await stack.db.trial.findFirstOrThrow({ where: { sweepId } })).id;
  });

  it("stores the sweep in its key's project", async () => {
    expect((await stack.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).project).toBe('alpha');
  });

  it('serves the owner everything', async () => {
    const h = bearer(alpha);
    expect((await stack.app.inject({ url: `/v1/sweeps/${sweepId}`, headers: h })).statusCode).toBe(200);
    expect((await stack.app.inject({ url: `/v1/sweeps/${sweepId}/trials`, headers: h })).json().total).toBe(2);
    expect((await stack.app.inject({ url: `/v1/sweeps/${sweepId}/leaderboard`, headers: h })).statusCode).toBe(200);
    expect((await stack.app.inject({ url: `/v1/trials/${trialId}`, headers: h })).statusCode).toBe(200);
    expect((await stack.app.inject({ url: '/v1/sweeps', headers: h })).json().items.map((s: { id: string }) => s.id)).toEqual([sweepId]);
  });

  it.each([
    ['GET', (id: string) => `/v1/sweeps/${id}`, 'SWEEP'],
    ['GET', (id: string) => `/v1/sweeps/${id}/trials`, 'SWEEP'],
    ['GET', (id: string) => `/v1/sweeps/${id}/leaderboard`, 'SWEEP'],
    ['GET', (id: string) => `/v1/sweeps/${id}/best`, 'SWEEP'],
    ['POST', (id: string) => `/v1/sweeps/${id}/cancel`, 'SWEEP'],
  ] as const)("answers another project's %s %s exactly as an unknown id", async (method, url, what) => {
    const theirs = await stack.app.inject({ method, url: url(sweepId), headers: bearer(beta) });
    const unknown = await stack.app.inject({ method, url: url(UNKNOWN_ID), headers: bearer(beta) });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe(`LRS_${what}_NOT_FOUND`);
    expect(theirs.body.replace(sweepId, 'ID')).toBe(unknown.body.replace(UNKNOWN_ID, 'ID'));
  });

  it("hides another project's trial", async () => {
    const res = await stack.app.inject({ url: `/v1/trials/${trialId}`, headers: bearer(beta) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('LRS_TRIAL_NOT_FOUND');
  });

  it("neither lists nor cancels another project's sweep", async () => {
    expect((await stack.app.inject({ url: '/v1/sweeps', headers: bearer(beta) })).json()).toEqual({ items: [], total: 0 });
    expect((await stack.db.sweep.findUniqueOrThrow({ where: { id: sweepId } })).status).toBe('queued');
    expect(await stack.db.trial.count({ where: { sweepId, state: 'cancelled' } })).toBe(0);
  });

  it('takes the key as ?key= on the events route only, and still scopes it', async () => {
    // The route answers 404 for an unknown sweep: reaching that answer means the key was accepted.
    const res = await stack.app.inject({ url: `/v1/sweeps/${UNKNOWN_ID}/events?key=${alpha}` });
    expect(res.statusCode, res.body).toBe(404);
    const wrong = await stack.app.inject({ url: `/v1/sweeps/${sweepId}/events?key=lrs_${'B'.repeat(43)}` });
    expect(wrong.statusCode).toBe(401);
    // Another project's sweep is as unknown to the stream as to every other route.
    const theirs = await stack.app.inject({ url: `/v1/sweeps/${sweepId}/events?key=${beta}` });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('LRS_SWEEP_NOT_FOUND');
  });
});

describe('lrsweep keys', () => {
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, 'keys', ...args], { env: { ...process.env, DATABASE_URL: stack.databaseUrl } });

  it('creates a key that works, lists it without the key, and revokes it', async () => {
    const created = await cli('create', '--project', 'gamma', '--name', 'ci');
    const key = created.stdout.trim();
    expect(key).toMatch(/^lrs_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/only time it is shown/);
    expect((await stack.app.inject({ url: '/v1/sweeps', headers: bearer(key) })).statusCode).toBe(200);

    const listed = (await cli('list', '--project', 'gamma')).stdout;
    expect(listed).toContain(key.slice(0, 12));
    expect(listed).not.toContain(key.slice(12));
    const id = /^([0-9a-f-]{36})\s+gamma\s+ci\s+\S+\s+-\s/m.exec(listed)?.[1];
    expect(id, listed).toBeDefined();

    expect((await cli('revoke', id!)).stdout).toMatch(/revoked key/);
    expect((await stack.app.inject({ url: '/v1/sweeps', headers: bearer(key) })).statusCode).toBe(401);
    expect((await cli('list', '--project', 'gamma')).stdout).not.toContain(id!);
  });

  it('creates an admin key with --admin, which opens /metrics and is listed as one', async () => {
    const created = await cli('create', '--project', 'ops', '--name', 'prometheus', '--admin');
    const key = created.stdout.trim();
    expect(created.stderr).toMatch(/created admin key/);
    expect((await stack.app.inject({ url: '/metrics', headers: bearer(key) })).statusCode).toBe(200);
    const listed = (await cli('list', '--project', 'ops')).stdout;
    expect(listed).toMatch(/^ID\s+PROJECT\s+NAME\s+PREFIX\s+ADMIN\s/m);
    expect(listed).toMatch(new RegExp(`\\sprometheus\\s+${key.slice(0, 12)}…\\s+yes\\s`));
  });

  it('refuses a create without a project', async () => {
    await expect(cli('create')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--project is required/) });
  });
});

describe('rate limits', () => {
  it(`answers the request past ${RATE_LIMIT} per window 429 with Retry-After, per key`, async () => {
    const { key } = await createApiKey(stack.db, { project: 'alpha', name: 'busy' });
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await stack.app.inject({ url: '/v1/queue', headers: bearer(key) })).statusCode);
    expect(statuses.every((s) => s === 200), statuses.join(',')).toBe(true);

    const limited = await stack.app.inject({ url: '/v1/queue', headers: bearer(key) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error).toMatchObject({ code: 'LRS_RATE_LIMITED', message: expect.stringMatching(/rate limit/) });

    // Another key has its own budget, and probes are never limited.
    expect((await stack.app.inject({ url: '/v1/queue', headers: bearer(beta) })).statusCode).toBe(200);
    for (let i = 0; i < RATE_LIMIT + 1; i++) expect((await stack.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('on a non-loopback address', () => {
  it('requires a key even when LRSWEEP_AUTH is not set', async () => {
    const open = await startStack({ env: { HOST: '0.0.0.0' } });
    try {
      expect((await open.app.inject({ url: '/v1/sweeps' })).statusCode).toBe(401);
      expect((await open.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await open.stop();
    }
  });
});
