// Every declared command, through the dispatcher: --help answers from the declaration and
// never runs the command; unknown or malformed options are one line on stderr, exit 2.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, runCli, type CliIo } from './cli.ts';
import type { Command } from './command.ts';

// Nothing listens on port 1: a command that touched the database would fail, not pass.
const UNREACHABLE_DB = 'postgresql://postgres@127.0.0.1:1/unreachable';

/** Runs one command line in this process; what it printed, split by stream. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: { DATABASE_URL: UNREACHABLE_DB } };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** Every runnable command by the name a user types: `best`, `keys create`, ... */
async function everyCommand(): Promise<[string, Command][]> {
  const all: [string, Command][] = [];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const { command } = await load();
    if (command.kind === 'command') all.push([name, command]);
    else for (const [sub, inner] of Object.entries(command.commands)) all.push([`${name} ${sub}`, inner]);
  }
  return all;
}

let commands: [string, Command][];

beforeEach(async () => {
  commands = await everyCommand();
  // A command that ran would throw: help and refused lines must never get that far.
  for (const [name, command] of commands) vi.spyOn(command, 'run').mockRejectedValue(new Error(`${name} ran`));
  vi.stubEnv('DATABASE_URL', UNREACHABLE_DB);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('lrsweep <command> --help', () => {
  it('prints usage, summary and every option for every command, exits 0 and runs nothing', async () => {
    expect(commands.map(([name]) => name)).toEqual(expect.arrayContaining(['serve', 'worker', 'migrate', 'keys create', 'keys revoke', 'best', 'export']));
    for (const [name, command] of commands) {
      for (const argv of [[...name.split(' '), '--help'], [...name.split(' '), '-h'], ['help', ...name.split(' ')]]) {
        const run = await cli(argv);
        expect(run, argv.join(' ')).toMatchObject({ code: 0, err: '' });
        expect(run.out).toMatch(new RegExp(`^usage: lrsweep ${name} `));
        expect(run.out).toContain(command.summary);
        for (const option of Object.keys(command.options)) expect(run.out, `${name} --${option}`).toMatch(new RegExp(`^  --${option}\\b`, 'm'));
        expect(run.out).toContain('-h, --help');
      }
      expect(command.run).not.toHaveBeenCalled();
    }
  });

  it('shows defaults and the environment variables a command reads', async () => {
    const serve = await cli(['serve', '--help']);
    expect(serve.out).toMatch(/^ {2}--port P +.*, else \$PORT, else 3000; .*\(an integer 0\.\.65535\)$/m);
    expect(serve.out).toMatch(/^ {2}--workers N +.*\(an integer 0\.\.64; default 2\)$/m);
    expect(serve.out).toMatch(/^environment:\n {2}DATABASE_URL +Postgres/m);
    const best = await cli(['best', '--help']);
    expect(best.out).toMatch(/^usage: lrsweep best ID \[options\]$/m);
    expect(best.out).toMatch(/^ {2}--api URL +.*default: \$LRSWEEP_API, else http:\/\/127\.0\.0\.1:3000\)$/m);
    expect(best.out).toMatch(/^ {2}LRSWEEP_API_KEY +sent as the API key/m);
  });

  it('answers help even when the rest of the line is wrong', async () => {
    const run = await cli(['serve', '--prot', '3', '--help']);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/^usage: lrsweep serve /);
  });

  it('lists every command for lrsweep --help, and the subcommands of keys', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const run = await cli(argv);
      expect(run.code).toBe(0);
      for (const name of Object.keys(COMMANDS)) expect(run.out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    const keys = await cli(['keys', '--help']);
    expect(keys.code).toBe(0);
    for (const sub of ['create', 'list', 'revoke']) expect(keys.out).toMatch(new RegExp(`^  ${sub} +\\S`, 'm'));
    // Without a command (or subcommand) the same list, but exit 2: nothing was done.
    expect((await cli([])).code).toBe(2);
    expect(await cli(['keys'])).toMatchObject({ code: 2, out: keys.out });
  });
});

describe('lrsweep refuses a command line it cannot read', () => {
  it('an unknown option, for every command: one line, exit 2, nothing run', async () => {
    for (const [name, command] of commands) {
      const run = await cli([...name.split(' '), '--no-such-option']);
      expect(run).toEqual({ code: 2, out: '', err: `lrsweep: ${name}: Unknown option '--no-such-option' (see lrsweep ${name} --help)\n` });
      expect(command.run).not.toHaveBeenCalled();
    }
  });

  it('malformed values and missing arguments: one line each, exit 2', async () => {
    for (const [argv, line] of [
      [['serve', '--port', 'abc'], "serve: --port must be an integer 0..65535, got 'abc'"],
      [['serve', '--workers', '65'], "serve: --workers must be an integer 0..64, got '65'"],
      [['api', '--port'], "api: Option '--port <value>' argument missing"],
      [['worker', '--gpu', '1.5'], "worker: --gpu must be an integer of at least 0, got '1.5'"],
      [['worker', '--gpus', 'a,b'], "worker: --gpus must be a comma-separated list of GPU indexes (0,1,2), got 'a,b'"],
      [['status', '--limit', '0'], "status: --limit must be an integer 1..500, got '0'"],
      [['submit', 'f.yaml', '--interval', 'soon'], "submit: --interval must be a number 0.05..3600, got 'soon'"],
      [['leaderboard', 'id', '--format', 'xml'], "leaderboard: --format must be one of table, json, csv, got 'xml'"],
      [['trials', 'id', '--state', 'done'], "trials: --state must be one of queued, running, completed, failed, diverged, cancelled, stopped, got 'done'"],
      [['schedule', 'f.json', '--width', '10'], "schedule: --width must be an integer of at least 20, got '10'"],
      [['keys', 'create'], 'keys create: --project is required'],
      [['best'], 'best: expected 1 argument, got 0'],
      [['migrate', 'now'], 'migrate: expected 0 arguments, got 1'],
    ] as const) {
      const name = argv[0] === 'keys' ? 'keys create' : argv[0];
      expect(await cli([...argv]), argv.join(' ')).toEqual({ code: 2, out: '', err: `lrsweep: ${line} (see lrsweep ${name} --help)\n` });
    }
    for (const [, command] of commands) expect(command.run).not.toHaveBeenCalled();
  });

  it('an unknown command or subcommand: one line, exit 2', async () => {
    expect(await cli(['serv'])).toEqual({ code: 2, out: '', err: "lrsweep: unknown command 'serv' (lrsweep --help lists the commands)\n" });
    expect(await cli(['constructor'])).toMatchObject({ code: 2, err: "lrsweep: unknown command 'constructor' (lrsweep --help lists the commands)\n" });
    expect(await cli(['--port', '3'])).toMatchObject({ code: 2, err: "lrsweep: unknown option '--port' before the command (lrsweep --help lists the commands)\n" });
    expect(await cli(['keys', 'rotate'])).toEqual({ code: 2, out: '', err: "lrsweep: keys: unknown command 'rotate' (see lrsweep keys --help)\n" });
  });
});

describe('the lrsweep binary', () => {
  const bin = fileURLToPath(new URL('../bin/lrsweep.js', import.meta.url));
  const lrsweep = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: UNREACHABLE_DB } }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });

  it('shows migrate --help without touching the database, and refuses serve --prot in one line', async () => {
    const [help, migrate, bad] = await Promise.all([lrsweep(['migrate', '--help']), lrsweep(['migrate']), lrsweep(['serve', '--prot', '3'])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: lrsweep migrate \[options\]\n/);
    // what migrating would have done: fail, in one line
    expect(migrate).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^lrsweep: cannot migrate Postgres at postgresql:\/\/postgres@127\.0\.0\.1:1\/unreachable: .*ECONNREFUSED.*\n$/) });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: "lrsweep: serve: Unknown option '--prot' (see lrsweep serve --help)\n" });
  }, 30_000);
});
