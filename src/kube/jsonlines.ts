const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines, across chunk boundaries. A partial line is kept as a list of
 * chunk pieces and joined once when its newline arrives, so a long line never costs more than
 * one copy (no re-scanning or re-concatenating a growing buffer).
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(NEWLINE, start);
    while (nl >= 0) {
      if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, nl));
        const joined = Buffer.concat(this.pending, this.pendingBytes + (nl - start));
        this.pending = [];
        this.pendingBytes = 0;
        this.emit(joined.toString('utf8'));
      } else if (nl > start) {
        this.emit(chunk.toString('utf8', start, nl));
      }
      start = nl + 1;
      nl = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0) {
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.emit(joined.toString('utf8'));
    }
  }

  private emit(line: string): void {
    // Blank lines (keep-alive padding, \r\n endings) carry nothing.
    if (line.length === 0 || (line.length === 1 && line === '\r')) return;
    this.onLine(line);
  }
}
