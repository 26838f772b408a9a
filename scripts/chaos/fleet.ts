import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

/**
 * The API and worker processes of a chaos run, started as `lrsweep api|worker` start them and
 * kept up as a process manager would: one that exits (killed, or refused at boot because
 * Postgres or Redis was down) is started again after `restartDelayMs`.
 */
export class Slot {
  private child: ChildProcess | undefined;
  private supervised = true;
  starts = 0;
  /** The last output lines, for the report when something goes wrong. */
  readonly tail: string[] = [];

  constructor(
    readonly name: string,
    private readonly argv: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly cwd: string,
    private readonly log: WriteStream,
    /** Called with every output line, for the run to count what it must report. */
    private readonly onLine: (line: string) => void = () => {},
    private readonly restartDelayMs = 500,
  ) {}

  start(): ChildProcess {
    this.starts += 1;
    const child = spawn(process.execPath, this.argv, { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer) => {
      this.log.write(`[${this.name}#${this.starts}] ${d}`);
      const lines = String(d).split('\n').filter(Boolean);
      lines.forEach(this.onLine);
      this.tail.push(...lines);
      this.tail.splice(0, Math.max(0, this.tail.length - 40));
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', () => {
      if (this.supervised && this.child === child) setTimeout(() => this.supervised && this.child === child && this.start(), this.restartDelayMs);
    });
    this.child = child;
    return child;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Signals the process; the slot starts it again unless stopped. */
  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Stops for good: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.supervised = false;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs `entry` (a TypeScript main) once, unsupervised, to its exit or `timeoutMs`; with its output. */
export function runOnce(entry: string, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs);
  return new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve({ code, output, timedOut }))));
}

export const entries = (root: string) => ({
  api: path.join(root, 'apps/api/src/main.ts'),
  worker: path.join(root, 'apps/worker/src/main.ts'),
});
