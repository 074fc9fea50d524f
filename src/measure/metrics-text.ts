/**
 * Reads Prometheus' text exposition format (what an apiserver's or the simulator's /metrics
 * serves): samples of the metric families asked for, labels unescaped, +Inf/-Inf/NaN values.
 */
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

/** The metric name a line starts with, if it is one of `names` (followed by labels or the value). */
function nameAt(text: string, start: number, names: readonly string[]): string | undefined {
  for (const name of names) {
    if (!text.startsWith(name, start)) continue;
    const next = text[start + name.length];
    if (next === '{' || next === ' ' || next === '\t') return name;
  }
  return undefined;
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
  const out: TextSample[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let first = start;
    while (first < end && (text[first] === ' ' || text[first] === '\t')) first++;
    const lineStart = first;
    start = end + 1;
    if (first === end || text[first] === '#' || (names && nameAt(text, first, names) === undefined)) continue;
    const sample = parseLine(text.slice(lineStart, end).trim());
    if (sample) out.push(sample);
  }
  return out;
}

const NEWLINE = 0x0a;
const BRACE = 0x7b;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * The same samples read from the text's bytes as they arrive: a line is decoded only when it starts
 * with one of the names, and a line that cannot is dropped as soon as its first bytes say so, so a
 * scrape of megabytes holds a few kilobytes at a time.
 */
export class MetricsTextReader {
  readonly samples: TextSample[] = [];
  private readonly names: Buffer[];
  /** Bytes of a line that may be wanted, before its newline arrived. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The rest of the current line is not wanted. */
  private skipping = false;
  private readonly decideAfter: number;

  constructor(names: readonly string[]) {
    this.names = names.map((n) => Buffer.from(n, 'utf8'));
    this.decideAfter = Math.max(0, ...this.names.map((n) => n.length)) + 1;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      if (this.skipping) this.skipping = false;
      else if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, nl));
        this.take(Buffer.concat(this.pending));
        this.pending = [];
        this.pendingBytes = 0;
      } else this.take(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start >= chunk.length || this.skipping) return;
    this.pending.push(Buffer.from(chunk.subarray(start)));
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes <= this.decideAfter) return;
    const head = Buffer.concat(this.pending);
    this.pending = [head];
    // Long enough to know: the name is there whole, or the line is not wanted.
    const first = firstNonBlank(head);
    if (head.length - first > this.decideAfter && !this.wantedAt(head, first)) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = true;
    }
  }

  /** The text ended: a last line without a newline still counts. */
  end(): void {
    if (this.pendingBytes > 0 && !this.skipping) this.take(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }

  private take(line: Buffer): void {
    const first = firstNonBlank(line);
    if (!this.wantedAt(line, first)) return;
    const sample = parseLine(line.toString('utf8', first).trim());
    if (sample) this.samples.push(sample);
  }

  /** Whether one of the names starts at `at`, followed by its labels or a blank. */
  private wantedAt(line: Buffer, at: number): boolean {
    for (const name of this.names) {
      const after = at + name.length;
      if (after >= line.length) continue;
      const next = line[after];
      if ((next === BRACE || next === SPACE || next === TAB) && line.compare(name, 0, name.length, at, after) === 0) return true;
    }
    return false;
  }
}

function firstNonBlank(line: Buffer): number {
  let i = 0;
  while (i < line.length && (line[i] === SPACE || line[i] === TAB)) i++;
  return i;
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
