import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimTrial, createApiKey } from '@lrsweep/db';
import { startStack, type Stack } from './stack.ts';

// With auth on: what a project key sees of the shared queue, and the Bull Board cookie behind
// a TLS-terminating proxy the API trusts (LRSWEEP_TRUST_PROXY; inject comes from 127.0.0.1).

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const sweep = (seeds: number) => ({
  name: 'scope',
  task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: 2, batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
  schedules: [{ type: 'StepLR', step_size: 1 }],
  seeds,
});

let stack: Stack;
let alpha: string;
let beta: string;
let operator: string;
beforeAll(async () => {
  stack = await startStack({ auth: 'required', env: { LRSWEEP_RECONCILE_MS: '0', LRSWEEP_TRUST_PROXY: '127.0.0.1' } });
  alpha = (await createApiKey(stack.db, { project: 'alpha' })).key;
  beta = (await createApiKey(stack.db, { project: 'beta' })).key;
  operator = (await createApiKey(stack.db, { project: 'ops', admin: true })).key;
});
afterAll(async () => {
  await stack?.stop();
});

describe('/v1/queue with auth on', () => {
  it("shows a project key its own project's queued and running trials only, and an admin key the whole queue", async () => {
    for (const [key, seeds] of [[alpha, 2], [beta, 3]] as const) {
      expect((await stack.app.inject({ method: 'POST', url: '/v1/sweeps', payload: sweep(seeds), headers: bearer(key) })).statusCode).toBe(201);
    }
    const queue = async (key: string) => (await stack.app.inject({ url: '/v1/queue', headers: bearer(key) })).json();
    expect(await queue(alpha)).toMatchObject({ waiting: 2, active: 0, completed: 0, failed: 0, delayed: 0 });
    expect(await queue(beta)).toMatchObject({ waiting: 3, active: 0 });
    expect(await queue(operator)).toMatchObject({ waiting: 5, active: 0 });

    const alphaTrial = await stack.db.trial.findFirstOrThrow({ where: { sweep: { project: 'alpha' } } });
    await claimTrial(stack.db, alphaTrial.id, { worker: 'w:1', backend: 'noop' });
    expect(await queue(alpha)).toMatchObject({ waiting: 1, active: 1 });
    expect(await queue(beta)).toMatchObject({ waiting: 3, active: 0 });
  });
});

describe('the Bull Board cookie behind a trusted TLS-terminating proxy', () => {
  const setCookie = async (headers: Record<string, string>) => {
    const res = await stack.app.inject({ url: `/admin/queues?key=${operator}`, headers });
    expect(res.statusCode).toBe(302);
    return String(res.headers['set-cookie']);
  };

  it('is Secure when the proxy says the request came over https, and not otherwise', async () => {
    expect(await setCookie({ 'x-forwarded-proto': 'https' })).toMatch(/; Secure$/);
    expect(await setCookie({})).not.toMatch(/Secure/);
  });
});
