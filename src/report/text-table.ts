/** Plain-text tables for the terminal: columns two spaces apart, no borders, within a width. */

/** Splits text into lines of at most `width` characters, at spaces when it can. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > width / 2 ? cut : width;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  lines.push(rest);
  return lines;
}

/**
 * Rows (the first one the head) as columns two spaces apart; `right` lists the right-aligned
 * columns. The first column wraps onto continuation lines so no line passes `maxWidth`.
 */
export function textTable(rows: string[][], options: { right?: ReadonlySet<number>; maxWidth?: number; indent?: string } = {}): string {
  const right = options.right ?? new Set<number>();
  const indent = options.indent ?? '';
  const maxWidth = (options.maxWidth ?? Infinity) - indent.length;
  const count = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const others = widths.slice(1).reduce((sum, w) => sum + w + 2, 0);
  widths[0] = Math.max(16, Math.min(widths[0]!, maxWidth - others));
  const pad = (text: string, i: number) => (right.has(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const out: string[] = [];
  for (const row of rows) {
    const [first = '', ...rest] = row;
    const lines = wrap(first, widths[0]!);
    out.push(`${indent}${[pad(lines[0]!, 0), ...rest.map((c, i) => pad(c, i + 1))].join('  ')}`.trimEnd());
    for (const more of lines.slice(1)) out.push(`${indent}  ${more}`);
  }
  return out.join('\n');
}
