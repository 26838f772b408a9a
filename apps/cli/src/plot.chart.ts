// A terminal line chart in Unicode braille (2x4 dots per character cell): labelled y axis
// with lr values, x axis with step numbers, one series per line, and a legend.

export interface PlotSeries {
  label: string;
  values: readonly number[];
}

export interface PlotOptions {
  /** total width in columns, axis labels included. @defaultValue 80 */
  width?: number;
  /** plot rows. @defaultValue 16 */
  height?: number;
  /** wrap each series in an ANSI colour (only when writing to a terminal). @defaultValue false */
  color?: boolean;
}

// Braille dot bits, indexed [row 0..3][col 0..1] within one cell (Unicode U+2800 block layout).
const DOTS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];
const COLORS = [36, 33, 35, 32, 31, 34];

export function formatLr(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}

export function plotChart(series: readonly PlotSeries[], options: PlotOptions = {}): string {
  const height = Math.max(4, options.height ?? 16);
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  if (all.length === 0) return '(nothing to plot)\n';
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) [lo, hi] = [lo - (Math.abs(lo) || 1) * 0.05, hi + (Math.abs(hi) || 1) * 0.05];
  const ticks = [hi, (hi + lo) / 2, lo].map(formatLr);
  const labelWidth = Math.max(...ticks.map((t) => t.length)) + 1;
  const cols = Math.max(10, (options.width ?? 80) - labelWidth - 1);
  const steps = Math.max(...series.map((s) => s.values.length));
  const pxW = cols * 2;
  const pxH = height * 4;

  const cells = Array.from({ length: height }, () => new Array<number>(cols).fill(0));
  const owner = Array.from({ length: height }, () => new Array<number>(cols).fill(-1));
  const dot = (x: number, y: number, s: number): void => {
    const row = Math.floor(y / 4);
    const col = Math.floor(x / 2);
    cells[row]![col]! |= DOTS[y % 4]![x % 2]!;
    owner[row]![col] = s;
  };
  const px = (k: number): number => (steps <= 1 ? 0 : Math.round((k / (steps - 1)) * (pxW - 1)));
  const py = (v: number): number => Math.round(((hi - v) / (hi - lo)) * (pxH - 1));

  series.forEach((s, si) => {
    let prev: [number, number] | null = null;
    s.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return void (prev = null);
      const p: [number, number] = [px(k), py(v)];
      if (prev) {
        // Join consecutive points so steep drops (StepLR) read as lines, not scattered dots.
        const n = Math.max(Math.abs(p[0] - prev[0]), Math.abs(p[1] - prev[1]), 1);
        for (let i = 0; i <= n; i++) dot(Math.round(prev[0] + ((p[0] - prev[0]) * i) / n), Math.round(prev[1] + ((p[1] - prev[1]) * i) / n), si);
      } else dot(p[0], p[1], si);
      prev = p;
    });
  });

  const paint = (text: string, si: number): string => (options.color && si >= 0 ? `\x1b[${COLORS[si % COLORS.length]}m${text}\x1b[0m` : text);
  const lines: string[] = [];
  for (let r = 0; r < height; r++) {
    const label = r === 0 ? ticks[0]! : r === height - 1 ? ticks[2]! : r === Math.floor((height - 1) / 2) ? ticks[1]! : '';
    const row = cells[r]!.map((bits, c) => (bits ? paint(String.fromCharCode(0x2800 + bits), owner[r]![c]!) : ' ')).join('');
    lines.push(`${label.padStart(labelWidth)}┤${row}`);
  }
  lines.push(`${' '.repeat(labelWidth)}└${'─'.repeat(cols)}`);
  const last = String(Math.max(0, steps - 1));
  const mid = String(Math.floor((steps - 1) / 2));
  const axis = new Array<string>(cols + 1).fill(' ');
  const put = (at: number, text: string): void => text.split('').forEach((ch, i) => (axis[Math.min(cols, Math.max(0, at)) + i] = ch));
  put(0, '0');
  if (steps > 2) put(Math.floor(cols / 2) - Math.floor(mid.length / 2), mid);
  put(cols + 1 - last.length, last);
  lines.push(`${' '.repeat(labelWidth)}${axis.join('').trimEnd()}  step`);
  lines.push('', ...series.map((s, si) => `  ${paint('⣿⣿', si)} ${s.label}`));
  return lines.join('\n') + '\n';
}
