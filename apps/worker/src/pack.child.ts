import { createLogger, loadConfig } from '@lrsweep/config';
import { loadBuiltinRunner } from './builtin.runner.ts';
import { toWire, type FromChild, type ToChild, type WireOutcome } from './pack-messages.ts';
import type { RunnerIO, RunnerTrial } from './trial-runner.ts';

/**
 * A worker's training process (pack-children.ts forks it): trains the packs the worker hands
 * it with the built-in runner, one at a time, and nothing else. Training blocks this process's
 * thread for a whole epoch of the pack; here that cannot stop the worker's event loop from
 * renewing job locks, writing epochs and beating its heartbeat. It never touches Postgres or
 * Redis: epochs go to the worker as messages, stop signals come back as messages. It lives
 * across packs, so the backend and the datasets load once.
 */
const config = loadConfig();
const logger = createLogger('worker', config.logLevel).child({ worker: config.workerName, pid: process.pid });
// Never after the channel closed (the worker is gone: 'disconnect' below ends this process).
const send = (m: FromChild) => void (process.connected && process.send!(m));

// A worker killed with SIGKILL cannot stop this child, but its IPC channel closes: exit at
// once, or this orphan would keep training trials another worker resumes.
process.on('disconnect', () => process.exit(1));
// A signal to the whole process group (Ctrl-C, a service manager) reaches this child too; the
// worker decides: its trials stop after their epoch and are given back, then it lets this go.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

const runner = await loadBuiltinRunner(config);
const stops = new Map<number, AbortController[]>();
const acks = new Map<number, { resolve(): void; reject(err: Error): void }>();
let seq = 0;

async function run(runId: number, claimed: RunnerTrial['claimed'][]): Promise<void> {
  const controllers = claimed.map(() => new AbortController());
  stops.set(runId, controllers);
  const trials: RunnerTrial[] = claimed.map((c, i) => ({ claimed: c, stop: controllers[i]!.signal, log: logger.child({ sweepId: c.sweepId, trialId: c.id }) }));
  const unused = () => Promise.reject(new Error('the built-in runner reports epochs only'));
  const io: RunnerIO = {
    epoch: (i, row, checkpoint) =>
      new Promise<void>((resolve, reject) => {
        const n = ++seq;
        acks.set(n, { resolve, reject });
        send({ type: 'epoch', runId, seq: n, i, row, checkpoint: checkpoint ?? null });
      }),
    // A lost checkpoint file: the worker drops the trial's rows before it trains again from epoch 0.
    restart: (i) =>
      new Promise<void>((resolve, reject) => {
        const n = ++seq;
        acks.set(n, { resolve, reject });
        send({ type: 'restart', runId, seq: n, i });
      }),
    checkpoint: unused,
    storedEpochs: unused,
    notes: unused,
  };
  try {
    const outcomes = await runner.run(trials, io);
    send({ type: 'done', runId, outcomes: outcomes.map((o): WireOutcome => (o.status === 'failed' ? { ...o, error: toWire(o.error) } : o)) });
  } catch (err) {
    send({ type: 'failed', runId, error: toWire(err) });
  } finally {
    stops.delete(runId);
  }
}

process.on('message', (m: ToChild) => {
  if (m.type === 'run') void run(m.runId, m.trials);
  else if (m.type === 'stop') stops.get(m.runId)?.[m.i]?.abort(m.reason);
  else if (m.type === 'ack') {
    const ack = acks.get(m.seq);
    acks.delete(m.seq);
    if (m.error) ack?.reject(Object.assign(new Error(m.error.message), { name: m.error.name ?? 'Error' }));
    else ack?.resolve();
  }
});
send({ type: 'ready', backend: runner.backend });
