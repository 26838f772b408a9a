import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createDb, migrate, type PrismaClient } from '@lrsweep/db';
import { deploymentKey } from '@lrsweep/queue';
import { checkSweep } from './checks.ts';
import { diagnoseOpenTrials } from './diagnose.ts';
import { faultSchedule, type Fault, type FaultKind } from './faults.ts';
import { entries, runOnce, Slot } from './fleet.ts';
import { freePort, OwnPostgres, OwnRedis } from './services.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ChaosOptions {
  seed: number;
  /** Seeds per schedule: the sweep has 6 x seeds trials. @defaultValue 50 */
  seeds?: number;
  /** @defaultValue 3 */
  workers?: number;
  /** Faults injected; the first six are one of each kind. @defaultValue 10 */
  faults?: number;
  /** Faults fall in [0, windowMs) after the sweep is submitted. @defaultValue 60000 */
  windowMs?: number;
  /** The whole run gives up (and fails) after this long. @defaultValue 240000 */
  timeoutMs?: number;
  /** Epoch length of the noop backend. @defaultValue 200 */
  epochMs?: number;
  /** Progress lines. */
  say?: (line: string) => void;
}

export interface ChaosResult {
  ok: boolean;
  /** One line: the faults injected and what was checked. */
  summary: string;
  problems: string[];
  faults: Fault[];
  logFile: string;
}

const EPOCHS = 4;
const optimizer = { type: 'SGD', lr: 0.1 } as const;
const schedules = [
  { type: 'StepLR', step_size: 2, gamma: { values: [0.5, 0.1] } },
  { type: 'CosineAnnealingLR', T_max: EPOCHS, eta_min: 0.001 },
  { type: 'ExponentialLR', gamma: 0.8 },
  { type: 'MultiStepLR', milestones: [1, 3], gamma: 0.5 },
  { type: 'LinearLR', start_factor: 0.25, total_iters: 3 },
];
const SCHEDULES_PER_SEED = 6;

/**
 * One bounded chaos run: its own Redis and Postgres on loopback, the real API and workers as
 * processes, a real sweep, and a seeded schedule of faults at random moments while it runs.
 * Then it checks that nothing was lost, doubled or left stuck, and tears everything down.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const seeds = o.seeds ?? 50;
  const workerCount = o.workers ?? 3;
  const timeoutMs = o.timeoutMs ?? 240_000;
  const say = o.say ?? (() => {});
  const started = Date.now();
  const deadline = started + timeoutMs;
  const faults = faultSchedule(o.seed, o.faults ?? 10, o.windowMs ?? 60_000);
  const problems: string[] = [];
  const done: Array<{ kind: FaultKind; note: string }> = [];
  let stuckWorkerReports = 0;

  const redis = await OwnRedis.start();
  const pg = await OwnPostgres.start();
  const logFile = path.join(pg.dir, 'processes.log');
  const log = createWriteStream(logFile);
  const slots: Slot[] = [];
  let db: PrismaClient | undefined;
  let wrongDb: PrismaClient | undefined;
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  try {
    const url = pg.url('lrsweep');
    const wrongUrl = pg.url('lrsweep_other');
    // Two deployments' databases on one server: the second is what a worker with the wrong DATABASE_URL reaches.
    await migrate(url);
    await migrate(wrongUrl);
    db = createDb(url);
    wrongDb = createDb(wrongUrl);
    await admin.connect();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: url,
      REDIS_URL: redis.url,
      // The default prefix, as in the issue: a wrong-database worker meets the same one.
      LRSWEEP_QUEUE_PREFIX: 'lrsweep',
      HOST: '127.0.0.1',
      PORT: String(port),
      LRSWEEP_AUTH: 'auto',
      LRSWEEP_RATE_LIMIT: '0',
      LRSWEEP_BACKEND: 'noop',
      LRSWEEP_NOOP_EPOCH_MS: String(o.epochMs ?? 200),
      LRSWEEP_WORKER_CONCURRENCY: '2',
      LRSWEEP_LOCK_MS: '2000',
      LRSWEEP_RECONCILE_MS: '1000',
      LRSWEEP_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const paths = entries(ROOT);
    // The reconciler's line for trials a live worker lists but has stopped working on: recovered, but a worker bug to report.
    const watch = (line: string) => {
      if (line.includes('that worker looks stuck')) stuckWorkerReports += 1;
    };
    const apiSlot = new Slot('api', ['--import', 'tsx', paths.api], env, ROOT, log, watch);
    const workers = [...Array(workerCount).keys()].map((i) => new Slot(`worker${i}`, ['--import', 'tsx', paths.worker], { ...env, LRSWEEP_WORKER_NAME: `chaos-w${i}` }, ROOT, log, watch));
    slots.push(apiSlot, ...workers);
    apiSlot.start();
    for (const w of workers) w.start();
    const ready = async () => fetch(`${api}/readyz`).then((r) => r.ok).catch(() => false);
    while (!(await ready())) {
      if (Date.now() > deadline) throw new Error(`the API did not come up: ${apiSlot.tail.slice(-5).join(' | ')}`);
      await sleep(250);
    }
    const res = await fetch(`${api}/v1/sweeps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `chaos seed ${o.seed}`,
        task: { dataset: 'spirals', model: { type: 'mlp', hidden: [8] }, epochs: EPOCHS, batchSize: 32, optimizer },
        schedules,
        seeds,
        objective: { metric: 'val_loss', mode: 'min' },
      }),
    });
    const created = (await res.json()) as { id: string; trials: number };
    if (res.status !== 201) throw new Error(`submitting the sweep failed: ${res.status} ${JSON.stringify(created)}`);
    const sweepId = created.id;
    const expectedTrials = SCHEDULES_PER_SEED * seeds;
    const submittedAt = Date.now();
    say(`sweep ${sweepId}: ${created.trials} trials on ${workerCount} workers; ${faults.length} faults in the next ${Math.round((o.windowMs ?? 60_000) / 1000)}s`);

    let duringSweep = 0;
    for (const f of faults) {
      await sleep(Math.max(0, submittedAt + f.atMs - Date.now()));
      // Counted before the fault: one that lands after the sweep finished tests little.
      const open = await db.trial.count({ where: { sweepId, state: { in: ['queued', 'running'] } } }).catch(() => 1);
      if (open > 0) duringSweep += 1;
      const note = await inject(f);
      done.push({ kind: f.kind, note });
      say(`+${((Date.now() - submittedAt) / 1000).toFixed(1)}s ${f.kind}${note ? `: ${note}` : ''}`);
    }

    async function inject(f: Fault): Promise<string> {
      switch (f.kind) {
        case 'kill-worker': {
          const w = workers[f.pick % workers.length]!;
          w.kill('SIGKILL');
          return `${w.name} SIGKILLed (restarted by the supervisor)`;
        }
        case 'restart-api': {
          const signal = f.pick % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
          apiSlot.kill(signal);
          return `${signal}, restarted`;
        }
        case 'restart-redis':
          await redis.down();
          await sleep(1_000);
          await redis.up();
          return 'down 1s, back empty';
        case 'flush-redis':
          await admin.flushall();
          return '';
        case 'restart-postgres':
          await pg.down();
          await sleep(1_000);
          await pg.up();
          return 'down 1s';
        case 'wrong-database-worker': {
          // Against a bound prefix (the API's reconciler rebinds it within a second of a flush);
          // awaited, so no Redis fault can unbind it while this worker boots.
          while (!(await admin.get(deploymentKey('lrsweep')).catch(() => null))) await sleep(200);
          const r = await runOnce(paths.worker, { ...env, DATABASE_URL: wrongUrl, LRSWEEP_WORKER_NAME: 'chaos-wrong' }, ROOT, 60_000);
          if (r.code !== 1 || !r.output.includes('belongs to another deployment')) {
            problems.push(`a worker on the wrong database was not refused (exit ${r.code}${r.timedOut ? ', still running after 60s' : ''}): ${r.output.slice(-300)}`);
            return 'NOT refused';
          }
          return 'refused at boot';
        }
      }
    }

    // Settled: no trial queued or running, and the sweep terminal.
    say('faults done; waiting for the sweep to settle');
    for (;;) {
      const s = await db.sweep.findUnique({ where: { id: sweepId }, select: { status: true } }).catch(() => null);
      const open = await db.trial.count({ where: { sweepId, state: { in: ['queued', 'running'] } } }).catch(() => -1);
      if (s && open === 0 && s.status !== 'running' && s.status !== 'queued') break;
      if (Date.now() > deadline) {
        problems.push(`not settled within ${timeoutMs / 1000}s: ${open} trials queued or running, sweep ${s?.status}`);
        problems.push(...(await diagnoseOpenTrials(db, admin, 'lrsweep', sweepId).catch((err: Error) => [`diagnosis failed: ${err.message}`])));
        break;
      }
      await sleep(500);
    }
    const checks = await checkSweep(db, sweepId, { expectedTrials, epochs: EPOCHS, optimizer });
    problems.push(...checks.problems);
    // The API agrees, and no job is left waiting or active for a finished trial.
    const view = await getJson(`${api}/v1/sweeps/${sweepId}`, deadline + 30_000);
    if (view?.status !== 'completed' || view?.trials?.completed !== expectedTrials) problems.push(`GET /v1/sweeps/:id says ${JSON.stringify({ status: view?.status, trials: view?.trials })}`);
    let pending = -1;
    for (let i = 0; i < 30 && pending !== 0; i++, await sleep(500)) {
      pending = (await admin.llen('lrsweep:trials:wait')) + (await admin.llen('lrsweep:trials:active'));
    }
    if (pending !== 0) problems.push(`${pending} jobs still waiting or active in Redis after the sweep completed`);
    const foreign = await wrongDb.trial.count();
    if (foreign !== 0) problems.push(`${foreign} trials in the other deployment's database`);

    const counts = new Map<string, number>();
    for (const d of done) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
    const restarts = slots.reduce((n, s) => n + s.starts - 1, 0);
    const summary =
      `chaos seed=${o.seed} ${problems.length === 0 ? 'PASSED' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)}s: ` +
      `faults ${[...counts].map(([k, n]) => `${k} x${n}`).join(', ')} (${duringSweep} of ${faults.length} while trials were open; ${restarts} process restarts; ${stuckWorkerReports} stuck-worker reports by the reconciler); ` +
      `checked ${checks.trials}/${expectedTrials} trials completed once, ${checks.epochs} epoch rows once with the scheduled lr, ` +
      `0 queued or running, sweep ${view?.status ?? 'unknown'}, ${pending} jobs left, wrong-database workers refused, other database untouched` +
      (problems.length ? `; ${problems.length} problems` : '');
    return { ok: problems.length === 0, summary, problems, faults, logFile };
  } catch (err) {
    problems.push((err as Error).message);
    return { ok: false, summary: `chaos seed=${o.seed} FAILED: ${(err as Error).message}`, problems, faults, logFile };
  } finally {
    await Promise.all(slots.map((s) => s.stop()));
    admin.disconnect();
    await db?.$disconnect().catch(() => {});
    await wrongDb?.$disconnect().catch(() => {});
    log.end();
    await redis.down();
    // Keep the data dir (and process log) of a failed run for a look; remove a passed one's.
    if (problems.length === 0) await pg.remove();
    else await pg.down().catch(() => {});
  }
}

/** GETs JSON, retrying while the API restarts, until `until`. */
async function getJson(url: string, until: number): Promise<any> {
  for (;;) {
    const r = await fetch(url).then((res) => (res.ok ? res.json() : null)).catch(() => null);
    if (r || Date.now() > until) return r;
    await sleep(500);
  }
}
