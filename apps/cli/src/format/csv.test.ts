import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from './csv.ts';

describe('csv', () => {
  it('quotes only fields that need it and doubles inner quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(0.05)).toBe('0.05');
    expect(csvField(null)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('{"type":"StepLR"}')).toBe('"{""type"":""StepLR""}"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
  });

  it('round-trips schedules written as JSON and as PyTorch calls', () => {
    const header = ['trial', 'schedule_call', 'schedule', 'lr'];
    const rows = [
      ['t1', 'StepLR(step_size=2, gamma=0.5)', JSON.stringify({ type: 'StepLR', step_size: 2, gamma: 0.5 }), 0.1],
      ['t2', 'LambdaLR(lr_lambda="0.1 ** (epoch // 10)")', JSON.stringify({ type: 'LambdaLR', lr_lambda: '0.1 ** (epoch // 10)' }), 1e-7],
      ['t3', 'line\r\nbreak', '', null],
    ];
    const text = toCsv(header, rows);
    expect(text.endsWith('\n')).toBe(true);
    expect(parseCsv(text)).toEqual([header, ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))))]);
    expect(JSON.parse(parseCsv(text)[1]![2]!)).toEqual({ type: 'StepLR', step_size: 2, gamma: 0.5 });
  });

  it('reads CRLF line endings and a last line without one', () => {
    expect(parseCsv('a,b\r\n1,"x""y"')).toEqual([['a', 'b'], ['1', 'x"y']]);
  });
});
