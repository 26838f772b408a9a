import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { OutputTail } from './output-tail.ts';
import { parseReport, type BadReport, type ScriptReport } from './script-report.ts';

/** What the script sends on its channel (python/lrsweep/channel.py). */
export type ScriptMessage =
  | ScriptReport
  | BadReport
  | { type: 'checkpoint'; epoch: number; path: string }
  | { type: 'schedule'; interval: 'epoch' | 'step'; steps_per_epoch: number | null };

export interface ScriptExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the worker stopped it, if it did. */
  stoppedFor: 'cancel' | 'timeout' | 'shutdown' | 'diverged' | 'bad-report' | null;
}

/** One trial's run of a script, in a process of its own (ScriptProcess) or a warm one (warm-process.ts). */
export interface ScriptRun {
  /** This trial's output only. */
  readonly stdout: OutputTail;
  readonly stderr: OutputTail;
  /** The trial's end: its process's exit, or in a warm process the exit code the script ended with. */
  readonly exited: Promise<ScriptExit>;
  send(message: object): void;
  stop(reason: NonNullable<ScriptExit['stoppedFor']>): void;
}

export const CHANNEL_FD = 3;

/**
 * One run of a trainer's script. The trial travels on an extra file descriptor (a socket pair
 * on fd 3), JSON lines both ways, so nothing the script prints can be taken for a report. The
 * script runs in its own process group, so stopping it also stops what it started (data
 * loader workers): SIGTERM, then SIGKILL after the grace period.
 */
export class ScriptProcess implements ScriptRun {
  readonly stdout = new OutputTail();
  readonly stderr = new OutputTail();
  private readonly child: ChildProcess;
  private readonly channel: Duplex;
  private stoppedFor: ScriptExit['stoppedFor'] = null;
  private killTimer: NodeJS.Timeout | undefined;
  readonly exited: Promise<ScriptExit>;

  constructor(
    argv: string[],
    opts: { cwd: string; env: Record<string, string | undefined>; killGraceMs: number },
    onMessage: (m: ScriptMessage) => void,
  ) {
    const [program, ...args] = argv;
    this.child = spawn(program!, args, {
      cwd: opts.cwd,
      env: { ...opts.env, LRSWEEP_FD: String(CHANNEL_FD) },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.killGraceMs = opts.killGraceMs;
    this.channel = this.child.stdio[CHANNEL_FD] as Duplex;
    this.channel.on('error', () => {}); // a script that dies mid-write: its exit tells the story
    this.child.stdout!.on('data', (c: Buffer) => this.stdout.push(c));
    this.child.stderr!.on('data', (c: Buffer) => this.stderr.push(c));
    const lines = createInterface({ input: this.channel, crlfDelay: Infinity });
    // readline re-emits the channel's errors: a script that exits with a stop message unread resets it (ECONNRESET).
    lines.on('error', () => {});
    lines.on('line', (line) => {
      const message = parseMessage(line);
      if (message) onMessage(message);
    });
    const closed = (s: NodeJS.ReadableStream | null) => new Promise<void>((r) => (s ? s.once('close', () => r()) : r()));
    const drained = Promise.all([closed(this.child.stdout), closed(this.child.stderr), new Promise<void>((r) => lines.once('close', () => r()))]);
    const spawnError = new Promise<Error>((resolve) => this.child.once('error', resolve));
    this.exited = Promise.race([
      // Every message and every byte of output is in before the exit is reported.
      // (A process the script left behind may hold them open: after the exit, wait 2 s at most.)
      new Promise<[number | null, NodeJS.Signals | null]>((r) => this.child.once('exit', (c, s) => r([c, s]))).then(async ([code, signal]) => {
        clearTimeout(this.killTimer);
        await Promise.race([drained, new Promise((r) => setTimeout(r, 2_000))]);
        return { code, signal, stoppedFor: this.stoppedFor };
      }),
      spawnError.then((err) => {
        this.stderr.push(`lrsweep: could not start ${program}: ${err.message}\n`);
        return { code: 127, signal: null, stoppedFor: this.stoppedFor };
      }),
    ]);
  }

  private readonly killGraceMs: number;

  send(message: object): void {
    if (!this.channel.destroyed) this.channel.write(JSON.stringify(message) + '\n');
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Asks the script to stop (the channel and SIGTERM; lrsweep turns both into should_stop()), then kills it after the grace period. */
  stop(reason: NonNullable<ScriptExit['stoppedFor']>): void {
    if (this.stoppedFor || !this.running) return;
    this.stoppedFor = reason;
    this.send({ type: 'stop', reason });
    this.signal('SIGTERM');
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), this.killGraceMs);
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, sig); // the whole process group
    } catch {
      this.child.kill(sig);
    }
  }
}

export function parseMessage(line: string): ScriptMessage | null {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (m === null || typeof m !== 'object') return null;
  if (m.type === 'report') return parseReport(m);
  if (m.type === 'checkpoint' && Number.isInteger(m.epoch) && typeof m.path === 'string') return { type: 'checkpoint', epoch: m.epoch as number, path: m.path };
  if (m.type === 'schedule') {
    const steps = Number.isInteger(m.steps_per_epoch) && (m.steps_per_epoch as number) > 0 ? (m.steps_per_epoch as number) : null;
    return { type: 'schedule', interval: m.interval === 'step' ? 'step' : 'epoch', steps_per_epoch: steps };
  }
  return null;
}
