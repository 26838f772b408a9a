import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@lrsweep/config';
import { createCheckpointFiles } from './builtin-checkpoints.ts';
import { cleanUpCheckpoints } from './builtin.runner.ts';
import { fromWire, toWire, type FromChild, type ToChild } from './pack-messages.ts';
import type { RunOutcome, TrialRunner } from './trial-runner.ts';

const childFile = fileURLToPath(new URL('./pack.child.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  busy: boolean;
  /** Resolves with the backend it trains on once it has loaded it. */
  ready: Promise<string>;
}

export interface PackChildren extends TrialRunner {
  /** Ends every training process (after the worker has given its trials back). */
  close(): Promise<void>;
}

/**
 * The built-in runner across process boundaries: up to `slots` training processes
 * (pack.child.ts), each training one pack at a time, forked as needed and reused. The
 * lifecycle stays in the worker's process (claims, epoch writes, cancel checks, hooks); a pack's
 * epochs arrive as messages and are recorded there, in order, while the child trains the next
 * epoch (one epoch of each trial in flight), and a trial's `stop` crosses as a message. A child that dies mid-pack fails that pack's call
 * (the lifecycle retries it trial by trial, pack-alone.runner.ts); the next pack forks a new one.
 * Resolves once the first child has loaded its backend, whose name the runner reports.
 */
export async function startPackChildren({ slots, logger, checkpointDir }: { slots: number; logger: Logger; checkpointDir: string }): Promise<PackChildren> {
  const children: Child[] = [];
  let closing = false;
  let runs = 0;

  const spawnChild = (): Child => {
    // The worker runs TypeScript through tsx; so must its child, even when started from a test.
    const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'];
    const proc = fork(childFile, [], { serialization: 'advanced', execArgv });
    const ready = new Promise<string>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== 'ready') return;
        proc.off('exit', onExit);
        proc.off('message', onMessage);
        resolve(m.backend);
      };
      const onExit = (code: number | null) => reject(new Error(`the training process exited (code ${code}) before it loaded its backend`));
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
    const child: Child = { process: proc, busy: false, ready };
    proc.once('exit', (code, signal) => {
      const k = children.indexOf(child);
      if (k >= 0) children.splice(k, 1);
      if (!closing) logger.warn({ code, signal, pid: proc.pid }, 'a training process exited');
    });
    children.push(child);
    return child;
  };

  const backend = await spawnChild().ready;

  const acquire = async (): Promise<Child> => {
    const idle = children.find((c) => !c.busy) ?? (children.length < slots ? spawnChild() : undefined);
    // The pack collector never runs more packs than slots, so there is always one.
    if (!idle) throw new Error('no free training process: more packs at once than LRSWEEP_WORKER_CONCURRENCY');
    idle.busy = true;
    await idle.ready.catch((err) => {
      idle.busy = false;
      throw err;
    });
    return idle;
  };

  return {
    backend,
    // The children write checkpoint files; the worker, which records the outcome, removes them.
    cleanUp: cleanUpCheckpoints(createCheckpointFiles(checkpointDir)),
    async run(trials, io) {
      const child = await acquire();
      const proc = child.process;
      const runId = ++runs;
      const send = (m: ToChild) => proc.connected && proc.send(m);
      const cleanups: Array<() => void> = [];
      try {
        // Each trial's epoch writes, chained in order; the last one of each trial may still be in flight.
        const writes: Array<Promise<void>> = trials.map(() => Promise.resolve());
        // Settles once every write has: resolves, or rejects with the first that failed.
        const written = () => Promise.allSettled(writes).then(() => Promise.all(writes)).then(() => undefined);
        const afterWrites = (then: () => void) => void Promise.allSettled(writes).then(then);
        return await new Promise<RunOutcome[]>((resolve, reject) => {
          const onMessage = (m: FromChild) => {
            if (m.type === 'ready' || m.runId !== runId) return;
            if (m.type === 'epoch') {
              // One epoch of a trial in flight: the child trains epoch e+1 while epoch e is
              // written (Postgres takes about as long as a pack's epoch for its checkpoints), and
              // hears back once epoch e-1 is. A cancel seen in a write takes effect an epoch later.
              const previous = writes[m.i]!;
              const write = previous.then(() => io.epoch(m.i, m.row, m.checkpoint));
              write.catch(() => {}); // handled by the next epoch's ack, or when the run ends
              writes[m.i] = write;
              previous.then(
                () => send({ type: 'ack', seq: m.seq }),
                (err) => send({ type: 'ack', seq: m.seq, error: toWire(err) }),
              );
            } else if (m.type === 'restart') {
              io.restart(m.i).then(
                () => send({ type: 'ack', seq: m.seq }),
                (err) => send({ type: 'ack', seq: m.seq, error: toWire(err) }),
              );
            } else if (m.type === 'done') {
              // Outcomes are recorded only after every epoch before them.
              written().then(() => resolve(m.outcomes.map((o): RunOutcome => (o.status === 'failed' ? { ...o, error: fromWire(o.error) } : o))), reject);
            } else afterWrites(() => reject(fromWire(m.error)));
          };
          // After the writes in flight: a retry must not race the last epoch the pack recorded.
          const onExit = (code: number | null, signal: string | null) => afterWrites(() => reject(new Error(`the training process exited mid-pack (${signal ?? `code ${code}`})`)));
          proc.on('message', onMessage);
          proc.once('exit', onExit);
          cleanups.push(() => proc.off('message', onMessage), () => proc.off('exit', onExit));
          // The run first: the child learns of the run's trials before any of their stops.
          send({ type: 'run', runId, trials: trials.map((t) => t.claimed) });
          trials.forEach((t, i) => {
            const stop = () => send({ type: 'stop', runId, i, reason: t.stop.reason });
            if (t.stop.aborted) stop();
            else {
              t.stop.addEventListener('abort', stop);
              cleanups.push(() => t.stop.removeEventListener('abort', stop));
            }
          });
        });
      } finally {
        cleanups.forEach((c) => c());
        child.busy = false;
      }
    },
    async close() {
      closing = true;
      // Closing the IPC channel ends a child (pack.child.ts); SIGKILL only if it hangs.
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.process.exitCode !== null || c.process.signalCode !== null) return resolve();
              const kill = setTimeout(() => c.process.kill('SIGKILL'), 5_000);
              c.process.once('exit', () => (clearTimeout(kill), resolve()));
              if (c.process.connected) c.process.disconnect();
            }),
        ),
      );
    },
  };
}
