import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.ts';
import { defineCommand, type Env } from './command.ts';
import { parseArgv, wantsHelp } from './parse-argv.ts';

const command = defineCommand({
  summary: 'test',
  args: ['FILE', '[MORE]'],
  options: {
    watch: { type: 'boolean', description: 'w' },
    port: { type: 'integer', value: 'P', min: 0, max: 65535, env: 'PORT', default: 3000, description: 'p' },
    interval: { type: 'number', value: 'S', min: 0.05, max: 3600, default: 1, description: 'i' },
    format: { type: 'string', value: 'F', choices: ['csv', 'json'], default: 'csv', description: 'f' },
    gpus: { type: 'string', value: 'LIST', pattern: { test: /^\d+(,\d+)*$/, means: 'a list like 0,1' }, description: 'g' },
    trainer: { type: 'string', value: 'T', multiple: true, description: 't' },
    project: { type: 'string', value: 'P', env: 'PROJECT', description: 'j' },
  },
  run: async () => 0,
});

const parse = (argv: string[], env: Env = {}) => parseArgv('t', command, argv, env);

/** The CliError a command line gives: its message and exit code. */
function failure(argv: string[], env: Env = {}): { message: string; exitCode: number } {
  try {
    parse(argv, env);
  } catch (err) {
    if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
    throw err;
  }
  throw new Error(`${argv.join(' ')} parsed without an error`);
}

describe('parseArgv', () => {
  it('gives every option its value, default or env variable, typed', () => {
    expect(parse(['f.json'])).toEqual({
      args: ['f.json'],
      options: { watch: false, port: 3000, interval: 1, format: 'csv', gpus: undefined, trainer: [], project: undefined },
    });
    const given = parse(['a', 'b', '--watch', '--port=0', '--interval', '0.2', '--format', 'json', '--gpus', '0,1', '--trainer', 'x=a', '--trainer', 'y=b', '--project', '007']);
    expect(given).toEqual({
      args: ['a', 'b'],
      options: { watch: true, port: 0, interval: 0.2, format: 'json', gpus: '0,1', trainer: ['x=a', 'y=b'], project: '007' },
    });
  });

  it('reads an option left out from its env variable, an empty one as unset, and the flag over both', () => {
    expect(parse(['f'], { PORT: '8080', PROJECT: 'p' }).options).toMatchObject({ port: 8080, project: 'p' });
    expect(parse(['f'], { PORT: '', PROJECT: '' }).options).toMatchObject({ port: 3000, project: undefined });
    expect(parse(['f', '--port', '1'], { PORT: '8080' }).options.port).toBe(1);
  });

  it('refuses malformed values in one line that names the option, the rule and the value, exit 2', () => {
    expect(failure(['f', '--port', 'abc'])).toEqual({ message: "t: --port must be an integer 0..65535, got 'abc' (see lrsweep t --help)", exitCode: 2 });
    expect(failure(['f', '--port', '65536']).message).toContain("--port must be an integer 0..65535, got '65536'");
    expect(failure(['f', '--port', '1.5']).message).toContain("--port must be an integer 0..65535, got '1.5'");
    expect(failure(['f', '--port', '']).message).toContain("--port must be an integer 0..65535, got ''");
    expect(failure(['f', '--interval', '0']).message).toContain("--interval must be a number 0.05..3600, got '0'");
    expect(failure(['f', '--format', 'xml']).message).toContain("--format must be one of csv, json, got 'xml'");
    expect(failure(['f', '--gpus', '0,,1']).message).toContain("--gpus must be a list like 0,1, got '0,,1'");
  });

  it('names the env variable when a malformed value came from it', () => {
    expect(failure(['f'], { PORT: 'http' }).message).toBe("t: PORT must be an integer 0..65535, got 'http' (see lrsweep t --help)");
  });

  it('refuses unknown options, missing values and a wrong argument count, each in one line, exit 2', () => {
    for (const [argv, message] of [
      [['f', '--prot', '3'], "t: Unknown option '--prot' (see lrsweep t --help)"],
      [['f', '-x'], "t: Unknown option '-x' (see lrsweep t --help)"],
      [['f', '--port'], "t: Option '--port <value>' argument missing (see lrsweep t --help)"],
      [['f', '--watch=yes'], "t: Option '--watch' does not take an argument (see lrsweep t --help)"],
      [[], 't: expected 1 to 2 arguments, got 0 (see lrsweep t --help)'],
      [['a', 'b', 'c'], 't: expected 1 to 2 arguments, got 3 (see lrsweep t --help)'],
    ] as const) {
      expect(failure([...argv])).toEqual({ message, exitCode: 2 });
    }
  });

  it('requires a required option', () => {
    const needs = defineCommand({ summary: 'n', options: { project: { type: 'string', value: 'P', required: true, description: 'p' } }, run: async () => 0 });
    expect(() => parseArgv('n', needs, [], {})).toThrow('n: --project is required (see lrsweep n --help)');
    expect(parseArgv('n', needs, ['--project', 'p'], {}).options.project).toBe('p');
  });
});

describe('wantsHelp', () => {
  it('finds -h or --help anywhere before --, whatever else the line holds', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['--prot', '3', '-h'])).toBe(true);
    expect(wantsHelp(['x', '--', '--help'])).toBe(false);
    expect(wantsHelp(['--helpful'])).toBe(false);
  });
});
