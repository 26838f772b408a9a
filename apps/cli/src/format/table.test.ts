import { describe, expect, it } from 'vitest';
import { palette } from './color.ts';
import { renderFields, renderTable } from './table.ts';

describe('renderTable', () => {
  it('aligns columns, right-aligns numbers and leaves no trailing blanks', () => {
    const out = renderTable(
      [{ header: 'rank', align: 'right' }, { header: 'name' }, { header: 'n', align: 'right' }, { header: 'schedule' }],
      [
        ['1', 'a', '3', 'StepLR(step_size=2)'],
        ['10', 'longer name', '12', ''],
      ],
    );
    expect(out.split('\n')).toEqual([
      'rank  name          n  schedule',
      '----  -----------  --  -------------------',
      '   1  a             3  StepLR(step_size=2)',
      '  10  longer name  12',
    ]);
  });

  it('measures coloured cells by what shows on screen', () => {
    const p = palette(true);
    const out = renderTable([{ header: 'state' }, { header: 'x' }], [[p.green('completed'), '1'], ['queued', '2']]);
    const [, , first, second] = out.split('\n');
    expect(first).toBe(`${p.green('completed')}  1`);
    expect(second).toBe('queued     2');
  });
});

describe('renderFields', () => {
  it('pads labels to one width', () => {
    expect(renderFields([['id', 'x'], ['status', 'running']])).toBe('id      x\nstatus  running');
  });
});

describe('palette', () => {
  it('adds no escape codes when colour is off', () => {
    const p = palette(false);
    expect(p.red('x') + p.bold('y')).toBe('xy');
    expect(palette(true).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});
