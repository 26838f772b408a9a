import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '@lrsweep/config';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
// By its absolute URL: a bare `--import tsx` resolves from the working directory, a user's project.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Restart delays after a crash; a worker that ran a minute without crashing starts over at the first. */
const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const HEALTHY_MS = 60_000;

/**
 * `lrsweep worker --gpus 0,1,2,3`: one worker process per GPU (each started with `--gpu N`,
 * so each sees only its own device), restarted with backoff when it crashes. SIGINT/SIGTERM
 * is passed to every worker, which hands its trial back; resolves when all have exited.
 */
export function superviseWorkers(gpus: number[], logger: Logger): Promise<number> {
  const children = new Map<number, ChildProcess>();
  const failures = new Map<number, number>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping = false;
  let resolveAll!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveAll = resolve));

  const maybeDone = () => {
    if (stopping && children.size === 0) resolveAll(0);
  };

  const start = (gpu: number) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', tsxLoader, entry, '--gpu', String(gpu)], { stdio: 'inherit', env: process.env });
    children.set(gpu, child);
    child.on('exit', (code, signal) => {
      children.delete(gpu);
      if (stopping) return maybeDone();
      const streak = Date.now() - started > HEALTHY_MS ? 0 : (failures.get(gpu) ?? 0);
      const delay = BACKOFF_MS[Math.min(streak, BACKOFF_MS.length - 1)]!;
      failures.set(gpu, streak + 1);
      logger.warn({ gpu, code, signal, restartInMs: delay }, 'worker exited; restarting');
      const t = setTimeout(() => {
        timers.delete(t);
        if (!stopping) start(gpu);
      }, delay);
      timers.add(t);
    });
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: children.size }, 'stopping workers');
    for (const t of timers) clearTimeout(t);
    for (const child of children.values()) child.kill(signal);
    maybeDone();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  for (const gpu of gpus) start(gpu);
  logger.info({ gpus }, 'supervising one worker per GPU');
  return done;
}

/** Parses `--gpus 0,1,3` into distinct GPU indexes; throws a one-line message on anything else. */
export function parseGpus(raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  const gpus = parts.map(Number);
  if (parts.length === 0 || parts.some((p, i) => p === '' || !Number.isInteger(gpus[i]) || gpus[i]! < 0)) {
    throw new Error(`--gpus must be a comma-separated list of GPU indexes (0,1,2), got '${raw}'`);
  }
  if (new Set(gpus).size !== gpus.length) throw new Error(`--gpus lists a GPU twice: '${raw}'`);
  return gpus;
}
