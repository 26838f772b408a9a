// `lrsweep <command> ...`: finds the command, answers --help from its declaration without
// running it, parses the rest and runs it. Each command lives in its own file and is loaded
// only when used, so `lrsweep schedule` never pays for Fastify, BullMQ or tfjs.
import { CliError } from './cli-error.ts';
import type { Command, CommandGroup, Env } from './command.ts';
import { commandHelp, groupHelp, overviewHelp } from './help.ts';
import { parseArgv, wantsHelp } from './parse-argv.ts';

/**
 * Every command, in the order `lrsweep --help` lists them. A new command is one line here and
 * a `commands/<name>.command.ts` that exports `command = defineCommand({ summary, args,
 * description, options, run })`; API commands spread `API_OPTIONS` into their options.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<{ command: Command | CommandGroup }>>> = {
  schedule: () => import('./commands/schedule.command.ts'),
  serve: () => import('./commands/serve.command.ts'),
  api: () => import('./commands/api.command.ts'),
  worker: () => import('./commands/worker.command.ts'),
  migrate: () => import('./commands/migrate.command.ts'),
  keys: () => import('./commands/keys.command.ts'),
  submit: () => import('./commands/submit.command.ts'),
  status: () => import('./commands/status.command.ts'),
  leaderboard: () => import('./commands/leaderboard.command.ts'),
  best: () => import('./commands/best.command.ts'),
  trials: () => import('./commands/trials.command.ts'),
  trial: () => import('./commands/trial.command.ts'),
  cancel: () => import('./commands/cancel.command.ts'),
  rerun: () => import('./commands/rerun.command.ts'),
  extend: () => import('./commands/extend.command.ts'),
  queue: () => import('./commands/queue.command.ts'),
  workers: () => import('./commands/workers.command.ts'),
  export: () => import('./commands/export.command.ts'),
};

/** Where help and errors go, and the environment options default from; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Env;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};

/** Runs one command line and returns its exit code; a CliError becomes its lines on stderr. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    // One line per problem (an invalid sweep names each bad field), each prefixed for grep.
    for (const line of err.message.split('\n')) io.err(`lrsweep: ${line}\n`);
    return err.exitCode;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  // `lrsweep help keys create` is `lrsweep keys create --help`.
  const [first, ...rest] = argv[0] === 'help' && argv.length > 1 ? [...argv.slice(1), '--help'] : argv;
  if (first === undefined || first === 'help' || first === '-h' || first === '--help') {
    io.out(await overview());
    // Bare `lrsweep` did not say what to do: the same list, but a failure for scripts.
    return first === undefined ? 2 : 0;
  }
  if (first.startsWith('-')) throw new CliError(`unknown option '${first}' before the command (lrsweep --help lists the commands)`);
  const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!entry) throw new CliError(`unknown command '${first}' (lrsweep --help lists the commands)`);
  const { command } = await entry();
  if (command.kind === 'command') return runCommand(first, command, rest, io);

  const [sub, ...subRest] = rest;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    io.out(groupHelp(first, command));
    return sub === undefined ? 2 : 0;
  }
  const inner = Object.hasOwn(command.commands, sub) ? command.commands[sub] : undefined;
  if (!inner) throw new CliError(`${first}: unknown command '${sub}' (see lrsweep ${first} --help)`);
  return runCommand(`${first} ${sub}`, inner, subRest, io);
}

async function runCommand(name: string, command: Command, argv: string[], io: CliIo): Promise<number> {
  // Help first, whatever else the line holds: asking for help never acts.
  if (wantsHelp(argv)) {
    io.out(commandHelp(name, command));
    return 0;
  }
  const { args, options } = parseArgv(name, command, argv, io.env);
  return command.run({ args, options, env: io.env });
}

/** Loads every command for its summary: only `lrsweep --help` pays for all of them. */
async function overview(): Promise<string> {
  const entries = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => [name, (await load()).command] as [string, Command | CommandGroup]));
  return overviewHelp(entries);
}
