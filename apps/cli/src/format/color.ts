// Colours are for people: only on a terminal, and never when NO_COLOR is set (no-color.org),
// so piped output and scripts always get plain text.

export interface Palette {
  enabled: boolean;
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

/** Whether `stream` should get colour: a TTY, and NO_COLOR absent or empty. */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function palette(enabled: boolean): Palette {
  if (!enabled) return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Columns a string takes on screen: escape codes take none. */
export function visibleLength(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

/** The colour a sweep or trial state is shown in. */
export function paintState(p: Palette, state: string): string {
  if (state === 'completed') return p.green(state);
  if (state === 'failed' || state === 'diverged') return p.red(state);
  if (state === 'running') return p.cyan(state);
  if (state === 'cancelled') return p.yellow(state);
  return p.dim(state);
}
