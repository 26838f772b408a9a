import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * tsx's loader by its absolute URL: a bare `--import tsx` is resolved from the working
 * directory, so `lrsweep worker` would fail in a user's own project (where tsx is not installed).
 */
export const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/**
 * The CLI runs the API and the worker as their own processes rather than importing them (apps
 * never import apps): each keeps its own event loop, signals and shutdown, exactly as it runs
 * in a container.
 */
export function spawnApp(app: 'api' | 'worker', args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const entry = require.resolve(`@lrsweep/${app}/main`);
  return spawn(process.execPath, ['--import', TSX_LOADER, entry, ...args], { env, stdio: 'inherit' });
}

/** Runs one app in the foreground: signals are passed on, its exit code becomes ours. */
export function runInForeground(app: 'api' | 'worker', args: string[]): Promise<number> {
  const child = spawnApp(app, args);
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}
