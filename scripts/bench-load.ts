// `npm run bench:load`: the queue, the workers and Postgres under load, without training cost.
// A 10,000-trial sweep on the noop backend (it steps the real scheduler, sleeps
// --epoch-ms per epoch and reports plausible metrics) goes through `lrsweep serve` with 4
// workers; meanwhile GET /v1/sweeps/:id and the leaderboard are timed back to back.
// Prints: time to accept the POST, trials/s through the system, p50/p99 latency of both GETs
// while it runs (and of the leaderboard over all 10,000 finished trials), and Postgres rows
// written per second. Aims: POST < 1 s, > 500 trials/s, leaderboard p99 < 50 ms.
// Options: --trials 10000 --workers 4 --concurrency 128 --epochs 3 --epoch-ms 0 (the noop
// backend trains in the worker's own process, so concurrency is only slots: the trials in
// flight together batch their Postgres and Redis writes)
import { parseArgs } from 'node:util';
import pg from 'pg';
import { withBenchService } from './bench-service.ts';
const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '128' },
    epochs: { type: 'string', default: '3' },
    'epoch-ms': { type: 'string', default: '0' },
  },
});
const trials = Number(values.trials);
const seeds = 100;
if (!Number.isInteger(trials) || trials < seeds || trials % seeds !== 0) throw new Error(`--trials must be a multiple of ${seeds}`);

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Latency from the request to the response's last byte; parsing it is the client's cost, not the API's. */
async function timed(url: string): Promise<{ ms: number; status: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  return { ms: performance.now() - t0, status: res.status, body: JSON.parse(text) };
}

/**
 * Rows inserted + updated + deleted, and transactions committed, in `database` so far
 * (pg_stat_database, flushed by the stats collector). Transactions per trial is a figure the
 * machine's load does not change: it says how many round trips each trial costs Postgres.
 */
async function pgCounters(admin: pg.Client, database: string): Promise<{ rows: number; xacts: number }> {
  const { rows } = await admin.query<{ n: string; x: string }>(
    'SELECT tup_inserted + tup_updated + tup_deleted AS n, xact_commit + xact_rollback AS x FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return { rows: Number(rows[0]?.n ?? 0), xacts: Number(rows[0]?.x ?? 0) };
}

async function main(): Promise<void> {
  const env = {
    LRSWEEP_BACKEND: 'noop',
    LRSWEEP_NOOP_EPOCH_MS: values['epoch-ms']!,
    LRSWEEP_WORKER_CONCURRENCY: values.concurrency!,
    LRSWEEP_MAX_TRIALS: String(trials),
    // The timing loop below is one client asking as fast as it can: not what a limit is for.
    LRSWEEP_RATE_LIMIT: '0',
  };
  await withBenchService({ name: 'load', workers: Number(values.workers), env }, async ({ api, database }) => {
    const admin = new pg.Client({ connectionString: `${process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432'}/postgres` });
    await admin.connect();
    try {
      await measure(api, database, admin);
    } finally {
      await admin.end();
    }
  });
}

async function measure(api: string, database: string, admin: pg.Client): Promise<void> {
  // Workers boot after the API; wait until all have registered so the clock measures the system, not start-up.
  while ((((await (await fetch(`${api}/v1/workers`)).json()) as { items: unknown[] }).items.length ?? 0) < Number(values.workers)) {
    await new Promise((r) => setTimeout(r, 300));
  }
  // 10 x 10 StepLR grid x 100 seeds = 10,000 trials by default; a x b = trials / seeds in general.
  const schedules = trials / seeds;
  let a = Math.floor(Math.sqrt(schedules));
  while (schedules % a !== 0) a--;
  const body = {
    name: 'bench-load',
    task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: Number(values.epochs), batchSize: 32, optimizer: { type: 'SGD', lr: 0.1 } },
    schedules: [
      {
        type: 'StepLR',
        step_size: { values: Array.from({ length: schedules / a }, (_, i) => i + 1) },
        gamma: { values: Array.from({ length: a }, (_, i) => 0.05 + (i * 0.9) / a) },
      },
    ],
    seeds,
    objective: { metric: 'val_loss', mode: 'min' },
  };
  const before = await pgCounters(admin, database);
  const t0 = performance.now();
  const post = await fetch(`${api}/v1/sweeps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const postMs = performance.now() - t0;
  const created = (await post.json()) as { id: string; trials: number };
  if (post.status !== 201) throw new Error(`POST answered ${post.status}: ${JSON.stringify(created)}`);

  const sweepLatency: number[] = [];
  const boardLatency: number[] = [];
  let status = '';
  let done = 0;
  while (status !== 'completed' && status !== 'failed') {
    const s = await timed(`${api}/v1/sweeps/${created.id}`);
    sweepLatency.push(s.ms);
    const b = s.body as { status: string; trials: { completed: number } };
    status = b.status;
    done = b.trials.completed;
    boardLatency.push((await timed(`${api}/v1/sweeps/${created.id}/leaderboard`)).ms);
    if (process.stdout.isTTY) process.stdout.write(`\r  ${done} / ${created.trials} trials completed`);
  }
  const runSeconds = (performance.now() - t0) / 1000;
  // pg_stat counters are flushed about once a second; give them a moment.
  await new Promise((r) => setTimeout(r, 1_500));
  const after = await pgCounters(admin, database);
  const rows = after.rows - before.rows;
  const xacts = after.xacts - before.xacts;
  const finalBoard: number[] = [];
  for (let i = 0; i < 100; i++) finalBoard.push((await timed(`${api}/v1/sweeps/${created.id}/leaderboard`)).ms);

  const aim = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  process.stdout.write('\n\n');
  console.log(`sweep: ${created.trials} trials x ${values.epochs} epochs (noop, ${values['epoch-ms']} ms/epoch), ${values.workers} workers x concurrency ${values.concurrency}; status ${status}`);
  console.log(`POST /v1/sweeps accepted in        ${ms(postMs)}   (aim < 1000 ms: ${aim(postMs < 1000)})`);
  console.log(`throughput                          ${(done / runSeconds).toFixed(0)} trials/s over ${runSeconds.toFixed(1)} s   (aim > 500: ${aim(done / runSeconds > 500)})`);
  console.log(`GET /v1/sweeps/:id while running    p50 ${ms(quantile(sweepLatency, 0.5))}  p99 ${ms(quantile(sweepLatency, 0.99))}  (n=${sweepLatency.length})`);
  console.log(`GET leaderboard while running       p50 ${ms(quantile(boardLatency, 0.5))}  p99 ${ms(quantile(boardLatency, 0.99))}  (n=${boardLatency.length})`);
  console.log(`GET leaderboard, all finished       p50 ${ms(quantile(finalBoard, 0.5))}  p99 ${ms(quantile(finalBoard, 0.99))}  (aim p99 < 50 ms: ${aim(quantile(finalBoard, 0.99) < 50)})`);
  console.log(`Postgres rows written               ${(rows / runSeconds).toFixed(0)} rows/s (${rows} in all)`);
  console.log(`Postgres transactions               ${(xacts / done).toFixed(1)} per trial, API polling included (${xacts} in all)`);
  console.log(`load average (1 min) at the end     ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
}

await main();
