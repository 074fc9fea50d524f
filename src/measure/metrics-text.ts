/**
 * Reads Prometheus' text exposition format (what an apiserver's or the simulator's /metrics
 * serves): samples of the metric families asked for, labels unescaped, +Inf/-Inf/NaN values.
 */
import { StringDecoder } from 'node:string_decoder';
import type { MeasurementClient } from './types.js';

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

/** The label value starting at `start` (after its opening quote), unescaped, and the index of its closing quote. */
function labelValue(line: string, start: number): { value: string; end: number } {
  const close = line.indexOf('"', start);
  // Almost every value has no escape: one slice, not a string built character by character.
  if (close >= 0 && line.lastIndexOf('\\', close) < start) return { value: line.slice(start, close), end: close };
  let value = '';
  let j = start;
  for (; j < line.length && line[j] !== '"'; j++) {
    if (line[j] === '\\') {
      const next = line[++j];
      value += next === 'n' ? '\n' : next;
    } else value += line[j];
  }
  if (j >= line.length) throw new Error(`unterminated label value in metrics line: ${line}`);
  return { value, end: j };
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
    const { value, end } = labelValue(line, eq + 2);
    labels[key] = value;
    i = end + 1;
  }
}

/** One line's sample (the line trimmed, not a comment); undefined when it holds none. */
function parseLine(line: string): TextSample | undefined {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  const nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
  if (nameEnd <= 0) return undefined;
  const name = line.slice(0, nameEnd);
  let rest = nameEnd;
  let labels: Record<string, string> = {};
  if (line[nameEnd] === '{') ({ labels, end: rest } = parseLabels(line, nameEnd));
  const fields = line.slice(rest).trim().split(/\s+/);
  const value = parseValue(fields[0] ?? '');
  return !Number.isNaN(value) || fields[0] === 'NaN' ? { name, labels, value } : undefined;
}

/**
 * The samples of the metric families `names` (all when omitted); comments and other families are
 * skipped without copying them: an apiserver's /metrics is megabytes, of which a few lines are wanted.
 */
export function parseMetricsText(text: string, names?: readonly string[]): TextSample[] {
  if (names) {
    const reader = new MetricsTextReader(names);
    reader.scan(text, text.length);
    return reader.samples;
  }
  const out: TextSample[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let first = start;
    while (first < end && (text[first] === ' ' || text[first] === '\t')) first++;
    const lineStart = first;
    start = end + 1;
    if (first === end || text[first] === '#') continue;
    const sample = parseLine(text.slice(lineStart, end).trim());
    if (sample) out.push(sample);
  }
  return out;
}

/** Whether `at` starts a line, blanks before it allowed. */
function startsLine(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}

/**
 * The same samples read from the text's bytes as they arrive, a chunk at a time (the part of a line
 * that runs into the next chunk is kept for it): the wanted lines are found by searching the chunk
 * for their names, so the tens of thousands of other lines of an API server's /metrics (3.4 MB, of
 * which 3,800 lines are wanted) cost no work of burn's own; it was a sixth of a small run's CPU.
 */
export class MetricsTextReader {
  readonly samples: TextSample[] = [];
  private readonly decoder = new StringDecoder('utf8');
  /** The start of a line whose newline has not arrived yet. */
  private carry = '';

  constructor(private readonly names: readonly string[]) {}

  push(chunk: Buffer): void {
    const text = this.carry + this.decoder.write(chunk);
    const complete = text.lastIndexOf('\n') + 1;
    this.scan(text, complete);
    this.carry = text.slice(complete);
  }

  /** The text ended: a last line without a newline still counts. */
  end(): void {
    const text = this.carry + this.decoder.end();
    this.carry = '';
    this.scan(text, text.length);
  }

  /** Adds the samples of the wanted lines that start before `end`, in the order of the text. */
  scan(text: string, end: number): void {
    const next = this.names.map((name) => text.indexOf(name));
    for (;;) {
      let which = -1;
      for (let i = 0; i < next.length; i++) if (next[i]! >= 0 && next[i]! < end && (which < 0 || next[i]! < next[which]!)) which = i;
      if (which < 0) return;
      const at = next[which]!;
      const name = this.names[which]!;
      const after = text[at + name.length];
      if ((after === '{' || after === ' ' || after === '\t') && startsLine(text, at)) {
        let lineEnd = text.indexOf('\n', at);
        if (lineEnd < 0 || lineEnd > end) lineEnd = end;
        const sample = parseLine(text.slice(at, lineEnd).trim());
        if (sample) this.samples.push(sample);
      }
      next[which] = text.indexOf(name, at + name.length);
    }
  }
}

/**
 * The samples of the families `names` in the server's /metrics, read as the body arrives (the
 * client's requestStream) so the megabytes of an API server's text are never held whole; a client
 * without it (a test's) answers the text. Undefined when the client can send no raw request.
 */
export async function scrapeMetricFamilies(client: MeasurementClient, names: readonly string[], timeoutMs: number): Promise<TextSample[] | undefined> {
  if (client.requestStream) {
    let reader = new MetricsTextReader(names);
    await client.requestStream('/metrics', () => (reader = new MetricsTextReader(names)), timeoutMs);
    return reader.samples;
  }
  if (!client.request) return undefined;
  return parseMetricsText(await client.request<string>({ method: 'GET', path: '/metrics', responseType: 'text', timeoutMs }), names);
}
