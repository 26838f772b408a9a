// --help, written from a command's declaration: the usage line, what it does, every option
// with its default and environment variable, and the other variables it reads.
import type { Command, CommandGroup, OptionSpec } from './command.ts';
import { numberRange } from './parse-argv.ts';

/** Two columns; a name too long for the first gets its text on the next line. */
function columns(rows: [string, string][]): string {
  const width = Math.min(24, Math.max(...rows.map(([name]) => name.length)));
  return rows.map(([name, text]) => (name.length > width ? `  ${name}\n  ${' '.repeat(width)}  ${text}` : `  ${name.padEnd(width)}  ${text}`)).join('\n');
}

function flag(key: string, spec: OptionSpec): string {
  const names = `${spec.short ? `-${spec.short}, ` : ''}--${key}`;
  if (spec.type === 'boolean') return names;
  return `${names} ${spec.value}`;
}

function detail(spec: OptionSpec): string {
  if (spec.type === 'boolean') return spec.description;
  const notes: string[] = [];
  if (spec.type !== 'string') notes.push(numberRange(spec));
  if (spec.type === 'string' && spec.choices) notes.push(`one of ${spec.choices.join(', ')}`);
  if (spec.type === 'string' && spec.multiple) notes.push('repeatable');
  if (spec.type === 'string' && spec.required) notes.push('required');
  if (spec.env && spec.default !== undefined) notes.push(`default: $${spec.env}, else ${spec.default}`);
  else if (spec.env) notes.push(`default: $${spec.env}`);
  else if (spec.default !== undefined) notes.push(`default ${spec.default}`);
  return notes.length ? `${spec.description} (${notes.join('; ')})` : spec.description;
}

export function commandHelp(name: string, command: Command): string {
  const sections = [`usage: lrsweep ${[name, ...command.args].join(' ')} [options]`, command.summary];
  if (command.description) sections.push(command.description.trimEnd());
  const options: [string, string][] = Object.entries(command.options).map(([key, spec]) => [flag(key, spec), detail(spec)]);
  sections.push(`options:\n${columns([...options, ['-h, --help', 'show this help']])}`);
  const environment = Object.entries(command.environment ?? {});
  if (environment.length) sections.push(`environment:\n${columns(environment)}`);
  return sections.join('\n\n') + '\n';
}

export function groupHelp(name: string, group: CommandGroup): string {
  const sections = [`usage: lrsweep ${name} <command> [options]`, group.summary];
  if (group.description) sections.push(group.description.trimEnd());
  sections.push(`commands:\n${columns(Object.entries(group.commands).map(([sub, c]) => [sub, c.summary]))}`);
  sections.push(`lrsweep ${name} <command> --help shows what a command does and its options.`);
  return sections.join('\n\n') + '\n';
}

/** The top-level help: every command with its summary. */
export function overviewHelp(entries: [string, Command | CommandGroup][]): string {
  return [
    'usage: lrsweep <command> [options]',
    `commands:\n${columns(entries.map(([name, c]) => [name, c.summary]))}`,
    'lrsweep <command> --help (or lrsweep help <command>) shows what a command does and its options.',
  ].join('\n\n') + '\n';
}
