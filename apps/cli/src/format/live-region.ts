import { visibleLength } from './color.ts';

/**
 * A block of lines redrawn in place on a terminal: each draw moves the cursor back up over
 * the previous block and clears it. Off a terminal nothing can be redrawn, so each draw whose
 * `key` differs from the last one prints the block's first line only (or first `logged` lines), as plain log lines.
 */
export class LiveRegion {
  private height = 0;
  private lastKey: string | undefined;

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  /**
   * `key` says what changed for a log reader (counts, not a ticking ETA); defaults to the text.
   * `logged`: how many of the first lines a log reader gets (a halving sweep's rungs line too).
   */
  draw(lines: string[], key = lines.join('\n'), logged = 1): void {
    if (!this.interactive) {
      if (key !== this.lastKey && lines[0] !== undefined) this.out.write(lines.slice(0, logged).join('\n') + '\n');
      this.lastKey = key;
      return;
    }
    const up = this.height > 0 ? `\x1b[${this.height}A\r` : '';
    this.out.write(`${up}\x1b[J${lines.join('\n')}\n`);
    // A line longer than the terminal wraps onto more rows, all of which the next draw must climb.
    // A pseudo-terminal of unknown size reports 0 columns.
    const columns = this.out.columns || 80;
    this.height = lines.reduce((rows, l) => rows + Math.max(1, Math.ceil(visibleLength(l) / columns)), 0);
  }

  /** Leaves the last block on screen; the next write starts below it. */
  done(): void {
    this.height = 0;
  }
}
