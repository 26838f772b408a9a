// How a command is declared: once, with its arguments, options, defaults and description.
// The parser (parse-argv.ts) and the help (help.ts) both read this declaration, so --help,
// the usage line and the errors for unknown or malformed options cannot disagree.

export type Env = Record<string, string | undefined>;

interface BaseOption {
  description: string;
  /** One letter, e.g. `o` for `-o`. */
  short?: string;
}

/** `--watch`: true when given. */
export interface FlagOption extends BaseOption {
  type: 'boolean';
}

/** `--out FILE`; `choices` refuses anything else, `multiple` collects every occurrence. */
export interface TextOption extends BaseOption {
  type: 'string';
  /** The placeholder in help: `FILE`, `URL`. */
  value: string;
  choices?: readonly string[];
  /** A value must match `test`; errors say it must be `means`, e.g. `a list like 0,1,2`. */
  pattern?: { test: RegExp; means: string };
  multiple?: boolean;
  /** The command cannot run without it. */
  required?: boolean;
  default?: string;
  /**
   * Read by the CLI when the option is not given (an empty variable counts as unset), before
   * `default`. A variable the process the CLI starts reads itself is named in `description`.
   */
  env?: string;
}

/** `--port N`: a number in [min, max]; `integer` refuses fractions. */
export interface NumberOption extends BaseOption {
  type: 'integer' | 'number';
  value: string;
  min: number;
  max?: number;
  default?: number;
  /** As TextOption's `env`. */
  env?: string;
}

export type OptionSpec = FlagOption | TextOption | NumberOption;
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed value of one option: defined whenever the option has a default. */
type ValueOf<O> = O extends FlagOption
  ? boolean
  : O extends { multiple: true }
    ? string[]
    : (O extends NumberOption ? number : O extends { choices: readonly (infer C)[] } ? C : string) | (O extends { default: unknown } | { required: true } ? never : undefined);

export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export interface CommandInput<O extends OptionSpecs> {
  /** The positional arguments, as many as `args` declares. */
  args: string[];
  options: OptionValues<O>;
  env: Env;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  kind: 'command';
  /** One line: the list of commands shows it, and --help starts with it. */
  summary: string;
  /** Positional arguments as help names them: `ID` is required, `[ID]` optional. */
  args: readonly string[];
  /** Paragraphs --help shows after the summary: what the command prints, what it changes. */
  description?: string;
  options: O;
  /** Environment variables the command reads besides its options' (`DATABASE_URL`: what for). */
  environment?: Readonly<Record<string, string>>;
  run(input: CommandInput<O>): Promise<number>;
}

/** `lrsweep keys create|list|revoke`: commands under one name. */
export interface CommandGroup {
  kind: 'group';
  summary: string;
  description?: string;
  commands: Readonly<Record<string, Command>>;
}

/** Declares a command; `const` keeps option literals (`choices`) so `run` gets their union type. */
export function defineCommand<const O extends OptionSpecs>(spec: Omit<Command<O>, 'kind' | 'args'> & { args?: readonly string[] }): Command {
  // Widened so commands can sit in one table: `run` still only ever gets values the parser
  // checked against this same declaration.
  return { kind: 'command', args: [], ...spec } as unknown as Command;
}

export function defineGroup(spec: Omit<CommandGroup, 'kind'>): CommandGroup {
  return { kind: 'group', ...spec };
}

/** How many positional arguments `args` allows. */
export function argCounts(args: readonly string[]): { min: number; max: number } {
  return { min: args.filter((a) => !a.startsWith('[')).length, max: args.length };
}
