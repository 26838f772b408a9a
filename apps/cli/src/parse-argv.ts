// The one parser of every command line: node:util.parseArgs in strict mode, driven by the
// command's declaration. Every problem becomes one CliError line (exit 2) that names the
// command and points at its --help.
//
// Not cac (which Vite uses): its parser (mri) turns any value that looks like a number into
// one, so `keys create --project 007` would make project "7" and `--out 1e3` write "1000".
import { parseArgs } from 'node:util';
import { CliError } from './cli-error.ts';
import { argCounts, type Command, type CommandInput, type Env, type NumberOption, type OptionSpec, type OptionSpecs, type TextOption } from './command.ts';

/** True when the user asked for help: -h or --help anywhere before `--`, whatever else is wrong. */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses `argv` (the arguments after the command's name) against `command`; `name` is how the
 * user called it (`keys create`), for messages. Options left out take their `env` variable,
 * then their `default`.
 */
export function parseArgv(name: string, command: Command, argv: string[], env: Env): Omit<CommandInput<OptionSpecs>, 'env'> {
  const fail = (problem: string) => new CliError(`${name}: ${problem} (see lrsweep ${name} --help)`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: nodeOptions(command.options), allowPositionals: true, strict: true });
  } catch (err) {
    // Node adds advice about '--' after the first sentence; the first says what is wrong.
    throw fail((err as Error).message.split(/\.\s|\n/)[0]!);
  }
  const { min, max } = argCounts(command.args);
  const count = parsed.positionals.length;
  if (count < min || count > max) throw fail(`expected ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${count}`);

  const options: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(command.options)) {
    const given = parsed.values[key];
    if (spec.type === 'boolean') {
      options[key] = given === true;
      continue;
    }
    if (spec.type === 'string' && spec.multiple) {
      options[key] = given ?? [];
      continue;
    }
    const fromEnv = spec.env ? env[spec.env] || undefined : undefined;
    const raw = (given as string | undefined) ?? fromEnv;
    const label = given === undefined && fromEnv !== undefined ? spec.env! : `--${key}`;
    if (raw === undefined && spec.type === 'string' && spec.required) throw fail(`--${key} is required`);
    if (raw === undefined) options[key] = spec.default;
    else {
      const problem = spec.type === 'string' ? textProblem(spec, raw) : numberProblem(spec, raw);
      if (problem) throw fail(`${label} must be ${problem}, got '${raw}'`);
      options[key] = spec.type === 'string' ? raw : Number(raw);
    }
  }
  // Each value was checked against its declaration above.
  return { args: parsed.positionals, options: options as CommandInput<OptionSpecs>['options'] };
}

function nodeOptions(options: Record<string, OptionSpec>) {
  const out: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [key, spec] of Object.entries(options)) {
    out[key] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}),
    };
  }
  return out;
}

function textProblem(spec: TextOption, raw: string): string | undefined {
  if (spec.choices && !spec.choices.includes(raw)) return `one of ${spec.choices.join(', ')}`;
  return spec.pattern && !spec.pattern.test.test(raw) ? spec.pattern.means : undefined;
}

/** The range as help and errors show it: `an integer 0..65535`, `a number of at least 0.05`. */
export function numberRange(spec: NumberOption): string {
  const kind = spec.type === 'integer' ? 'an integer' : 'a number';
  return spec.max === undefined ? `${kind} of at least ${spec.min}` : `${kind} ${spec.min}..${spec.max}`;
}

function numberProblem(spec: NumberOption, raw: string): string | undefined {
  // Number('') and Number(' ') are 0: a blank value is malformed, not zero.
  const n = raw.trim() === '' ? NaN : Number(raw);
  const ok = Number.isFinite(n) && (spec.type === 'number' || Number.isInteger(n)) && n >= spec.min && (spec.max === undefined || n <= spec.max);
  return ok ? undefined : numberRange(spec);
}
