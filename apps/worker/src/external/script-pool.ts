import path from 'node:path';
import type { Logger } from '@lrsweep/config';
import type { TrainerConfig, WorkerConfig } from '../worker-config.ts';
import { ScriptProcess, type ScriptMessage, type ScriptRun } from './script-process.ts';
import { scriptEnv } from './script-env.ts';
import { WarmProcess } from './warm-process.ts';

/** Where a trainer's trials run: a warm process when one is idle, else a new one. */
export interface ScriptPool {
  /** Whether trials run in warm processes (false: one process per trial). */
  readonly warm: boolean;
  start(onMessage: (m: ScriptMessage) => void): ScriptRun;
  /** Lets the idle processes go; a running trial's process goes when its trial ends. */
  close(): Promise<void>;
}

/**
 * `python [flags] script.py [args]` as `python [flags] -m lrsweep.host script.py [args]`; null
 * for any other command (a shell wrapper, a binary, `python -c ...`), which cannot be reused.
 */
export function warmArgv(argv: string[]): string[] | null {
  const [program, ...rest] = argv;
  if (!program || !/^python[0-9.]*$/.test(path.basename(program))) return null;
  const at = rest.findIndex((a) => !a.startsWith('-'));
  const flags = rest.slice(0, Math.max(at, 0));
  if (at < 0 || !rest[at]!.endsWith('.py') || flags.some((f) => /^-[a-zA-Z]*[cm]/.test(f))) return null;
  return [program, ...flags, '-m', 'lrsweep.host', ...rest.slice(at)];
}

/**
 * One pool per trainer on a worker. It grows to the worker's concurrency (one process per slot):
 * a trial takes an idle process, and its process goes back to the pool only if the script
 * returned (a crash or a kill leaves a fresh process for the next trial), the worker is not
 * shutting down, and it has run fewer than `maxTrialsPerProcess` trials.
 */
export function createScriptPool(trainer: TrainerConfig, worker: WorkerConfig, gpu: number | undefined, log: Logger): ScriptPool {
  const opts = { cwd: trainer.cwd, env: scriptEnv(trainer, gpu), killGraceMs: worker.killGraceMs };
  const argv = trainer.reuse ? warmArgv(trainer.argv) : null;
  if (trainer.reuse && !argv) log.info({ command: trainer.argv }, 'not `python script.py`: one process per trial (reuse needs a python script)');
  if (!argv) return { warm: false, start: (onMessage) => new ScriptProcess(trainer.argv, opts, onMessage), close: async () => {} };

  const idle: WarmProcess[] = [];
  const all = new Set<WarmProcess>();
  let closed = false;
  return {
    warm: true,
    start(onMessage) {
      let proc = idle.pop();
      while (proc && !proc.alive) proc = idle.pop();
      if (!proc) {
        const fresh = new WarmProcess(argv, opts);
        all.add(fresh);
        void fresh.gone.then(() => all.delete(fresh));
        proc = fresh;
      }
      const p = proc;
      const run = p.run(onMessage);
      void run.exited.then((exit) => {
        const spent = trainer.maxTrialsPerProcess !== null && p.trials >= trainer.maxTrialsPerProcess;
        if (!closed && run.cleanly && p.alive && exit.stoppedFor !== 'shutdown' && !spent) idle.push(p);
        else void p.close();
      });
      return run;
    },
    async close() {
      closed = true;
      await Promise.all(idle.splice(0).map((p) => p.close()));
      await Promise.all([...all].map((p) => p.gone));
    },
  };
}
