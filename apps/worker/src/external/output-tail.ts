/** The last `limit` characters written to a stream, cut at a line start when possible. */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 4_000) {}

  push(chunk: Buffer | string): void {
    // Postgres text cannot hold NUL; invalid UTF-8 already decodes to U+FFFD.
    this.text += chunk.toString().replaceAll('\u0000', '\ufffd');
    if (this.text.length > 2 * this.limit) this.text = this.text.slice(-this.limit);
  }

  toString(): string {
    if (this.text.length <= this.limit) return this.text;
    const cut = this.text.slice(-this.limit);
    const nl = cut.indexOf('\n');
    return nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut;
  }
}

/** stdout and stderr as stored with the trial. */
export function formatOutput(stdout: OutputTail, stderr: OutputTail): string {
  return `--- stdout ---\n${stdout.toString()}\n--- stderr ---\n${stderr.toString()}`;
}
