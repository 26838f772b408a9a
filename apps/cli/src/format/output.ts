import { colorEnabled, palette, type Palette } from './color.ts';

/** JSON for scripts: two-space indented, one trailing newline. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** The palette for stdout: colour on a terminal without NO_COLOR, plain otherwise. */
export function stdoutPalette(): Palette {
  return palette(colorEnabled(process.stdout));
}

/** `2026-11-28 20:05:15Z`: UTC to the second, the same on every machine. */
export function formatTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

/** A metric to 4 decimals, `-` when a trial has none yet. */
export function formatMetric(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(4) : String(v);
}
