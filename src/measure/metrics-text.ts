/**
 * Reads Prometheus' text exposition format (what an apiserver's or the simulator's /metrics
 * serves): samples of the metric families asked for, labels unescaped, +Inf/-Inf/NaN values.
 */

export interface TextSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Parses `{a="x",b="y\"z"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') throw new Error(`malformed labels in metrics line: ${line}`);
    const key = line.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        const next = line[++j];
        value += next === 'n' ? '\n' : next;
      } else value += line[j];
    }
    if (j >= line.length) throw new Error(`unterminated label value in metrics line: ${line}`);
    labels[key] = value;
    i = j + 1;
  }
}

/** The metric name a line starts with, if it is one of `names` (followed by labels or the value). */
function nameAt(text: string, start: number, names: readonly string[]): string | undefined {
  for (const name of names) {
    if (!text.startsWith(name, start)) continue;
    const next = text[start + name.length];
    if (next === '{' || next === ' ' || next === '\t') return name;
  }
  return undefined;
}

/**
 * The samples of the metric families `names` (all when omitted); comments and other families are
 * skipped without copying them: an apiserver's /metrics is megabytes, of which a few lines are wanted.
 */
export function parseMetricsText(text: string, names?: readonly string[]): TextSample[] {
  const out: TextSample[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let first = start;
    while (first < end && (text[first] === ' ' || text[first] === '\t')) first++;
    const lineStart = first;
    start = end + 1;
    if (first === end || text[first] === '#' || (names && nameAt(text, first, names) === undefined)) continue;
    const line = text.slice(lineStart, end).trim();
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
    if (nameEnd <= 0) continue;
    const name = line.slice(0, nameEnd);
    let rest = nameEnd;
    let labels: Record<string, string> = {};
    if (line[nameEnd] === '{') ({ labels, end: rest } = parseLabels(line, nameEnd));
    const fields = line.slice(rest).trim().split(/\s+/);
    const value = parseValue(fields[0] ?? '');
    if (!Number.isNaN(value) || fields[0] === 'NaN') out.push({ name, labels, value });
  }
  return out;
}
