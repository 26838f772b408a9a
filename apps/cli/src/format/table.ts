import { visibleLength } from './color.ts';

export interface Column {
  header: string;
  /** Numbers read best right-aligned, so their digits line up. @defaultValue 'left' */
  align?: 'left' | 'right';
}

/**
 * An aligned text table: a header, a rule, then the rows, columns two spaces apart. Widths
 * ignore colour codes, and the last column is not padded so lines carry no trailing blanks.
 */
export function renderTable(columns: Column[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const pad = (cell: string, i: number, last: boolean) => {
    const gap = ' '.repeat(widths[i]! - visibleLength(cell));
    if (columns[i]!.align === 'right') return gap + cell;
    return last ? cell : cell + gap;
  };
  const line = (cells: string[]) =>
    columns
      .map((_, i) => pad(cells[i] ?? '', i, i === columns.length - 1))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `label  value` lines with the labels padded to one width: one record, read top to bottom. */
export function renderFields(fields: [string, string][]): string {
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
