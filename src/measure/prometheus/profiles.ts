/**
 * kube-burner's metrics profiles (YAML list of {query, metricName, instant, captureStart}) and alert profiles
 * (YAML list of {expr, description, severity}), read with file:line errors.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { UserError } from '../../shared/errors.js';
import type { AlertSeverity } from '../types.js';

export interface MetricQuery {
  query: string;
  metricName: string;
  instant: boolean;
  /** With instant: also the value at the window's start, as `<metricName>-start` (kube-burner). */
  captureStart: boolean;
  /** Where the entry is written: "metrics.yaml:12:3". */
  origin: string;
}

export interface AlertRule {
  expr: string;
  description: string;
  severity: AlertSeverity;
  /** Where the entry is written: "alerts.yaml:4:3". */
  origin: string;
}

const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'error', 'critical'];

async function readProfile(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const { request } = await import('undici');
    const response = await request(source).catch((err: Error) => {
      throw new UserError(`cannot fetch profile ${source}: ${err.message}`);
    });
    if (response.statusCode !== 200) throw new UserError(`cannot fetch profile ${source}: HTTP ${response.statusCode}`);
    return response.body.text();
  }
  try {
    return await readFile(source, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read profile ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'profile paths are relative to the config file' });
  }
}

/** Parses a YAML list of maps; `check` validates one entry given a function that names a key's position. */
export function parseProfileList<T>(source: string, text: string, check: (entry: Record<string, unknown>, where: (key?: string) => string) => T): T[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lines.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line, col } = lines.linePos(e.pos[0]);
    throw new UserError(`${source}:${line}:${col}: ${e.message.split('\n')[0]}`);
  }
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) throw new UserError(`${at(doc.contents as Node)}: a profile is a YAML list of entries`, { hint: 'start each entry with "- "' });
  return doc.contents.items.map((item) => {
    if (!isMap(item)) throw new UserError(`${at(item as Node)}: each entry is a map`);
    const entry = item.toJSON() as Record<string, unknown>;
    const where = (key?: string): string => at(key ? ((item.get(key, true) as Node | undefined) ?? item) : item);
    return check(entry, where);
  });
}

function requireString(entry: Record<string, unknown>, key: string, where: (key?: string) => string): string {
  const value = entry[key];
  if (typeof value !== 'string' || value.trim() === '') throw new UserError(`${where()}: "${key}" is required and must be a string`);
  return value;
}

const METRIC_KEYS = ['query', 'metricName', 'instant', 'captureStart'];

function flag(entry: Record<string, unknown>, key: string, where: (key?: string) => string): boolean {
  const value = entry[key] ?? false;
  if (typeof value !== 'boolean') throw new UserError(`${where(key)}: "${key}" must be true or false`);
  return value;
}

export function parseMetricsProfile(source: string, text: string): MetricQuery[] {
  return parseProfileList(source, text, (entry, where) => {
    // kube-burner decodes profiles with known fields only: a misspelt key is an error, not ignored.
    const unknown = Object.keys(entry).find((k) => !METRIC_KEYS.includes(k));
    if (unknown !== undefined) throw new UserError(`${where(unknown)}: unknown key "${unknown}" in a metrics profile entry (known: ${METRIC_KEYS.join(', ')})`);
    return { query: requireString(entry, 'query', where), metricName: requireString(entry, 'metricName', where), instant: flag(entry, 'instant', where), captureStart: flag(entry, 'captureStart', where), origin: where() };
  });
}

export function parseAlertProfile(source: string, text: string): AlertRule[] {
  return parseProfileList(source, text, (entry, where) => {
    const severity = String(entry.severity ?? '') as AlertSeverity;
    if (!SEVERITIES.includes(severity)) {
      throw new UserError(`${where('severity')}: severity "${String(entry.severity ?? '')}" is not one of ${SEVERITIES.join(', ')}`);
    }
    return { expr: requireString(entry, 'expr', where), description: String(entry.description ?? ''), severity, origin: where() };
  });
}

export async function loadMetricsProfile(source: string): Promise<MetricQuery[]> {
  return parseMetricsProfile(source, await readProfile(source));
}

export async function loadAlertProfile(source: string): Promise<AlertRule[]> {
  return parseAlertProfile(source, await readProfile(source));
}

/** kube-burner's `{{.elapsed}}`: the job window in whole seconds, like "300s". */
export function renderElapsed(query: string, elapsed: string): string {
  return query.replace(/\{\{-?\s*\.elapsed\s*-?\}\}/g, elapsed);
}

/** Renders an alert description: {{$labels.NAME}}, {{$value}} and {{printf "%.Nf" $value}}. */
export function renderAlertDescription(description: string, labels: Record<string, string>, value: number): string {
  return description.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, inner: string) => {
    const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
    if (label) return labels[label[1]!] ?? '';
    if (inner === '$value') return String(value);
    const printf = /^printf\s+"%\.(\d+)f"\s+\$value$/.exec(inner);
    if (printf) return value.toFixed(Number(printf[1]));
    return whole;
  });
}
