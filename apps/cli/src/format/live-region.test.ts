import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LiveRegion } from './live-region.ts';

function stream(isTTY: boolean, columns = 80) {
  const chunks: string[] = [];
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    { isTTY, columns },
  );
  return { out, chunks };
}

describe('LiveRegion', () => {
  it('on a terminal, climbs back over the previous block and clears it before drawing', () => {
    const { out, chunks } = stream(true);
    const region = new LiveRegion(out);
    region.draw(['sweep 0/8', '  #0 epoch 0/4']);
    region.draw(['sweep 1/8', '  #1 epoch 2/4', '  #2 epoch 1/4']);
    region.draw(['sweep 8/8']);
    expect(chunks).toEqual([
      '\x1b[Jsweep 0/8\n  #0 epoch 0/4\n',
      '\x1b[2A\r\x1b[Jsweep 1/8\n  #1 epoch 2/4\n  #2 epoch 1/4\n',
      '\x1b[3A\r\x1b[Jsweep 8/8\n',
    ]);
  });

  it('counts the rows a line wraps onto', () => {
    const { out, chunks } = stream(true, 10);
    const region = new LiveRegion(out);
    region.draw(['x'.repeat(25)]);
    region.draw(['y']);
    expect(chunks[1]).toBe('\x1b[3A\r\x1b[Jy\n');
  });

  it('takes a terminal of unknown size (0 columns) as 80 wide', () => {
    const { out, chunks } = stream(true, 0);
    const region = new LiveRegion(out);
    region.draw(['a', 'b']);
    region.draw(['c']);
    expect(chunks[1]).toBe('\x1b[2A\r\x1b[Jc\n');
  });

  it('starts below the last block after done()', () => {
    const { out, chunks } = stream(true);
    const region = new LiveRegion(out);
    region.draw(['a', 'b']);
    region.done();
    region.draw(['c']);
    expect(chunks[1]).toBe('\x1b[Jc\n');
  });

  it('off a terminal, prints the first line as a plain log line when the key changes', () => {
    const { out, chunks } = stream(false);
    const region = new LiveRegion(out);
    region.draw(['sweep 0/8 ETA 10s', '  #0'], 'k0');
    region.draw(['sweep 0/8 ETA 9s', '  #0'], 'k0');
    region.draw(['sweep 1/8 ETA 8s', '  #1'], 'k1');
    expect(chunks).toEqual(['sweep 0/8 ETA 10s\n', 'sweep 1/8 ETA 8s\n']);
  });
});
