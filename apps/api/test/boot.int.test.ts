import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@lrsweep/db/testing';

// The processes as users start them: `lrsweep api|worker|serve` through the real binary.

const require = createRequire(import.meta.url);
const bin = require.resolve('@lrsweep/cli/bin/lrsweep.js');

function run(args: string[], env: Record<string, string>, { signalAfterReady }: { signalAfterReady?: string } = {}) {
  // Its own process group, so the test can signal the whole group as a terminal's Ctrl-C does.
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return {
    child,
    output: () => output,
    exit: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
    ready: signalAfterReady
      ? (async () => {
          for (let i = 0; i < 240; i++) {
            if (await fetch(`${signalAfterReady}/readyz`).then((r) => r.ok).catch(() => false)) return true;
            await new Promise((r) => setTimeout(r, 250));
          }
          return false;
        })()
      : Promise.resolve(true),
  };
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('boot checks', () => {
  it('the API refuses to start when Postgres is unreachable, naming it', async () => {
    const p = run(['api', '--port', '0'], { DATABASE_URL: 'postgresql://postgres:secret@127.0.0.1:1/nope' });
    expect(await p.exit).toBe(1);
    expect(p.output()).toMatch(/Postgres at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nope is unreachable/);
    expect(p.output()).not.toContain('secret');
  });

  it('a worker refuses to start when Redis is unreachable, naming it', async () => {
    const p = run(['worker'], { DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await p.exit).toBe(1);
    expect(p.output()).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is unreachable/);
  });

  it('refuses a malformed setting with the variable name', async () => {
    const p = run(['api'], { PORT: 'eighty' });
    expect(await p.exit).toBe(1);
    expect(p.output()).toMatch(/PORT: must be an integer/);
  });
});

describe('lrsweep serve', () => {
  it('runs the API and workers, and Ctrl-C stops them all cleanly', async () => {
    const port = 4100 + Math.floor(Math.random() * 800);
    const p = run(['serve', '--port', String(port), '--workers', '2'], { DATABASE_URL: database.url, LRSWEEP_QUEUE_PREFIX: `boot-${port}` }, { signalAfterReady: `http://127.0.0.1:${port}` });
    expect(await p.ready).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000)); // let the workers register
    const queue = await (await fetch(`http://127.0.0.1:${port}/v1/queue`)).json();
    expect(queue.workers).toBe(2);
    process.kill(-p.child.pid!, 'SIGINT'); // Ctrl-C: the TTY signals every process in the group
    expect(await p.exit, p.output()).toBe(0);
    expect(p.output()).not.toMatch(/second signal|exited with code/);
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'up').catch(() => 'down')).toBe('down');
  });
});
