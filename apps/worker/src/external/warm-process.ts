import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { OutputTail } from './output-tail.ts';
import { CHANNEL_FD, parseMessage, type ScriptExit, type ScriptMessage, type ScriptRun } from './script-process.ts';

type StopReason = NonNullable<ScriptExit['stoppedFor']>;

/**
 * A trainer process that runs trial after trial (`python -m lrsweep.host script.py`,
 * python/lrsweep/host.py). The channel is ScriptProcess's (JSON lines on fd 3); each trial ends
 * with `{"type": "done", "code"}`, the exit code the script would have had in a process of its
 * own, so a trial's outcome reads the same either way. A crash or a kill ends the process and
 * with it the running trial.
 */
export class WarmProcess {
  /** Trials handed to this process so far. */
  trials = 0;
  private readonly child: ChildProcess;
  private readonly channel: Duplex;
  private current: WarmRun | null = null;
  /** Whose output the pipes carry: the running trial, or the one that just ended until the next starts (its last lines may trail its done). */
  private output: WarmRun | null = null;
  private exitCode: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  /** Resolves once the process has exited and its output is in. */
  readonly gone: Promise<void>;

  constructor(
    argv: string[],
    private readonly opts: { cwd: string; env: Record<string, string | undefined>; killGraceMs: number },
  ) {
    const [program, ...args] = argv;
    this.child = spawn(program!, args, {
      cwd: opts.cwd,
      env: { ...opts.env, LRSWEEP_FD: String(CHANNEL_FD) },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, as ScriptProcess: a stop reaches what it started
    });
    this.channel = this.child.stdio[CHANNEL_FD] as Duplex;
    this.channel.on('error', () => {});
    this.child.stdout!.on('data', (c: Buffer) => this.output?.stdout.push(c));
    this.child.stderr!.on('data', (c: Buffer) => this.output?.stderr.push(c));
    const lines = createInterface({ input: this.channel, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
    const closed = (s: NodeJS.ReadableStream | null) => new Promise<void>((r) => (s ? s.once('close', () => r()) : r()));
    const drained = Promise.all([closed(this.child.stdout), closed(this.child.stderr), new Promise<void>((r) => lines.once('close', () => r()))]);
    const exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = { code, signal };
        resolve();
      });
      this.child.once('error', (err) => {
        this.output?.stderr.push(`lrsweep: could not start ${program}: ${err.message}\n`);
        this.exitCode = { code: 127, signal: null };
        resolve();
      });
    });
    // Every message and byte of output is in before the running trial hears of the exit (2 s at most, as ScriptProcess).
    this.gone = exited.then(() => Promise.race([drained, new Promise((r) => setTimeout(r, 2_000))])).then(() => {
      const run = this.current;
      this.current = null;
      run?.end({ code: this.exitCode!.code, signal: this.exitCode!.signal });
    });
  }

  get alive(): boolean {
    return this.exitCode === null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Hands the process its next trial; the caller sends the trial's init through the run. */
  run(onMessage: (m: ScriptMessage) => void): WarmRun {
    if (this.current) throw new Error('a warm process runs one trial at a time');
    this.trials += 1;
    const run = new WarmRun(this, onMessage);
    this.current = run;
    this.output = run;
    return run;
  }

  /** Lets the process go: the channel closes and lrsweep.host exits; killed if it has not after the grace period. */
  close(): Promise<void> {
    if (this.alive) {
      this.channel.end();
      const timer = setTimeout(() => this.signal('SIGKILL'), this.opts.killGraceMs);
      void this.gone.then(() => clearTimeout(timer));
    }
    return this.gone;
  }

  /** @internal */
  send(message: object): void {
    if (!this.channel.destroyed) this.channel.write(JSON.stringify(message) + '\n');
  }

  /** @internal */
  signal(sig: NodeJS.Signals): void {
    if (!this.alive) return;
    try {
      process.kill(-this.child.pid!, sig); // the whole process group
    } catch {
      this.child.kill(sig);
    }
  }

  /** @internal */
  get killGraceMs(): number {
    return this.opts.killGraceMs;
  }

  private onLine(line: string): void {
    const run = this.current;
    if (!run) return;
    let done: { type?: unknown; code?: unknown } | null = null;
    try {
      done = JSON.parse(line) as { type?: unknown; code?: unknown };
    } catch {
      // not JSON: parseMessage ignores it too
    }
    if (done?.type === 'done') {
      this.current = null;
      // The script flushed stdout and stderr before it sent done; a tick lets their pipes catch up with the channel.
      setTimeout(() => run.end({ code: typeof done.code === 'number' ? done.code : 1, signal: null }, true), 5);
      return;
    }
    const message = parseMessage(line);
    if (message) run.onMessage(message);
  }
}

/** One trial in a warm process. */
export class WarmRun implements ScriptRun {
  readonly stdout = new OutputTail();
  readonly stderr = new OutputTail();
  readonly exited: Promise<ScriptExit>;
  /** Once exited: true when the script returned (done) rather than the process dying under it; only then is the process reused. */
  cleanly = false;
  private stoppedFor: ScriptExit['stoppedFor'] = null;
  private ended = false;
  private killTimer: NodeJS.Timeout | undefined;
  private resolve!: (exit: ScriptExit) => void;

  constructor(
    private readonly host: WarmProcess,
    readonly onMessage: (m: ScriptMessage) => void,
  ) {
    this.exited = new Promise((r) => (this.resolve = r));
  }

  send(message: object): void {
    if (!this.ended) this.host.send(message);
  }

  /** As ScriptProcess.stop: the channel and SIGTERM (lrsweep.host turns both into should_stop()), SIGKILL after the grace period. */
  stop(reason: StopReason): void {
    if (this.stoppedFor || this.ended) return;
    this.stoppedFor = reason;
    this.host.send({ type: 'stop', reason });
    this.host.signal('SIGTERM');
    this.killTimer = setTimeout(() => this.host.signal('SIGKILL'), this.host.killGraceMs);
  }

  /** @internal */
  end(exit: Omit<ScriptExit, 'stoppedFor'>, clean = false): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.killTimer);
    this.cleanly = clean;
    this.resolve({ ...exit, stoppedFor: this.stoppedFor });
  }
}
