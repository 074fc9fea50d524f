/** A template's text and name, with offset -> line/column lookups for error messages. */
export class SourceFile {
  private lineStarts: number[] | undefined;

  constructor(readonly name: string, readonly text: string) {}

  /** 1-based line and column (in characters) of `offset`, and the text of that line. */
  locate(offset: number): { line: number; column: number; lineText: string } {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    const start = starts[lo]!;
    const end = this.text.indexOf('\n', start);
    const lineText = this.text.slice(start, end === -1 ? this.text.length : end).replace(/\r$/, '');
    return { line: lo + 1, column: at - start + 1, lineText };
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
