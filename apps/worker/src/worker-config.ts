import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';

/**
 * What the operator of a worker declares: the external trainers (programs that train one trial
 * of a user's model) and how to run them. It comes from a file on the worker's host, never from
 * a request: a sweep only names a trainer declared here.
 */
const TrainerEntry = Type.Object(
  {
    /** The program and its arguments: `train.py` (run by `interpreter`) or `["./train", "--fast"]`. */
    command: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
    /** Runs `command` with this program, e.g. /usr/bin/python3. */
    interpreter: Type.Optional(Type.String({ minLength: 1 })),
    /** Working directory, relative to the config file. @defaultValue the config file's directory */
    cwd: Type.Optional(Type.String({ minLength: 1 })),
    /** Extra environment for the script. */
    env: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    /**
     * Runs trial after trial in one warm process per worker slot (`python -m lrsweep.host`), so
     * the interpreter starts and the script's imports load once. Only for `python script.py`
     * commands; any other command runs one process per trial. @defaultValue true
     */
    reuse: Type.Optional(Type.Boolean()),
    /** A warm process is replaced by a fresh one after this many trials (for scripts that leak memory). @defaultValue no limit */
    maxTrialsPerProcess: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const ConfigFile = Type.Object(
  {
    trainers: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }), TrainerEntry)),
    /** Where each trial's checkpoints go (one directory per trial); relative to the config file. @defaultValue .lrsweep/checkpoints */
    checkpointDir: Type.Optional(Type.String({ minLength: 1 })),
    /** Seconds between SIGTERM and SIGKILL when a script is stopped. @defaultValue 10 */
    killGraceSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
  },
  { additionalProperties: false },
);

export interface TrainerConfig {
  name: string;
  /** argv[0] and the rest, interpreter first when one is declared. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Run trials in warm processes when the command allows it. */
  reuse: boolean;
  /** Trials per warm process before a fresh one; null: no limit. */
  maxTrialsPerProcess: number | null;
}

export interface WorkerConfig {
  /** The file read, or null when none exists. */
  file: string | null;
  trainers: Map<string, TrainerConfig>;
  checkpointDir: string;
  killGraceMs: number;
}

export class WorkerConfigError extends Error {}

const split = (command: string | string[]) => (Array.isArray(command) ? command : command.trim().split(/\s+/));

/**
 * Reads `LRSWEEP_CONFIG`, else `lrsweep.config.yaml` in the working directory if there is one,
 * then applies `--trainer NAME=COMMAND` flags (run in the working directory), which add to or
 * replace the file's trainers. `LRSWEEP_CHECKPOINT_DIR` (relative to the working directory)
 * overrides the file's `checkpointDir`: a container mounts its volume there without a file of its own.
 */
export function loadWorkerConfig(opts: { env?: Record<string, string | undefined>; cwd?: string; trainerFlags?: string[] } = {}): WorkerConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = env.LRSWEEP_CONFIG;
  const file = explicit ? path.resolve(cwd, explicit) : existsSync(path.join(cwd, 'lrsweep.config.yaml')) ? path.join(cwd, 'lrsweep.config.yaml') : null;
  let parsed: Static<typeof ConfigFile> = {};
  if (file) {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8')) ?? {};
    } catch (err) {
      throw new WorkerConfigError(`${file}: ${(err as Error).message}`);
    }
    const problem = Value.Errors(ConfigFile, raw).First();
    if (problem) throw new WorkerConfigError(`${file}: ${problem.path || '/'} ${problem.message}`);
    parsed = raw as Static<typeof ConfigFile>;
  }
  const base = file ? path.dirname(file) : cwd;
  const trainers = new Map<string, TrainerConfig>();
  for (const [name, t] of Object.entries(parsed.trainers ?? {})) {
    trainers.set(name, {
      name,
      argv: [...(t.interpreter ? [t.interpreter] : []), ...split(t.command)],
      cwd: path.resolve(base, t.cwd ?? '.'),
      env: Object.fromEntries(Object.entries(t.env ?? {}).map(([k, v]) => [k, String(v)])),
      reuse: t.reuse ?? true,
      maxTrialsPerProcess: t.maxTrialsPerProcess ?? null,
    });
  }
  for (const flag of opts.trainerFlags ?? []) {
    const eq = flag.indexOf('=');
    const name = flag.slice(0, eq);
    if (eq < 1 || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name) || !flag.slice(eq + 1).trim()) {
      throw new WorkerConfigError(`--trainer wants NAME=COMMAND (name: lowercase letters, digits, - and _), got '${flag}'`);
    }
    trainers.set(name, { name, argv: split(flag.slice(eq + 1)), cwd, env: {}, reuse: true, maxTrialsPerProcess: null });
  }
  return {
    file,
    trainers,
    checkpointDir: env.LRSWEEP_CHECKPOINT_DIR ? path.resolve(cwd, env.LRSWEEP_CHECKPOINT_DIR) : path.resolve(base, parsed.checkpointDir ?? '.lrsweep/checkpoints'),
    killGraceMs: (parsed.killGraceSeconds ?? 10) * 1000,
  };
}
