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

/** The samples whose metric name `wanted` accepts (all when omitted); comments and other families skipped without parsing. */
export function parseMetricsText(text: string, wanted?: (name: string) => boolean): TextSample[] {
  const out: TextSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
    if (nameEnd <= 0) continue;
    const name = line.slice(0, nameEnd);
    if (wanted && !wanted(name)) continue;
    let rest = nameEnd;
    let labels: Record<string, string> = {};
    if (line[nameEnd] === '{') ({ labels, end: rest } = parseLabels(line, nameEnd));
    const fields = line.slice(rest).trim().split(/\s+/);
    const value = parseValue(fields[0] ?? '');
    if (!Number.isNaN(value) || fields[0] === 'NaN') out.push({ name, labels, value });
  }
  return out;
}
