import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ConfigPath, DiagnosticList, SourceIndex, SourcePos } from './diagnostics.js';
import { parseGoDuration } from '../shared/duration.js';
import type { LineMap } from './line-map.js';
import { didYouMean } from '../shared/suggest.js';

/** Everything the readers share while one config document is turned into typed values. */
export interface ReadContext {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  lineMap: LineMap;
  /** Nodes put in by `--set`, with the flag that set them. */
  flagOrigins: WeakMap<Node, string>;
  diags: DiagnosticList;
  sources: SourceIndex;
}

export function positionOf(ctx: ReadContext, node: Node | null | undefined, fallback?: SourcePos): SourcePos {
  if (node) {
    const flag = ctx.flagOrigins.get(node);
    if (flag) return { file: ctx.file, line: 0, col: 0, flag };
    if (node.range) {
      const { line, col } = ctx.lineCounter.linePos(node.range[0]);
      return { file: ctx.file, line: ctx.lineMap(line), col };
    }
  }
  return fallback ?? { file: ctx.file, line: 1, col: 1 };
}

/** Keys kube-burner v1 or its docs used that v2 spells differently: a better hint than edit distance. */
const renamedKeys: Record<string, string> = {
  prometheusURL: 'endpoint (metricsEndpoints[].endpoint)',
  indexerConfig: 'metricsEndpoints[].indexer',
  churn: 'churnConfig (churnConfig: {cycles, percent, duration, delay, mode})',
  churnPercent: 'churnConfig.percent',
  churnDuration: 'churnConfig.duration',
  churnDelay: 'churnConfig.delay',
  churnCycles: 'churnConfig.cycles',
  metricsProfile: 'metricsEndpoints[].metrics',
  alertProfile: 'metricsEndpoints[].alerts',
  beforeCleanup: 'a hook of the job: hooks: [{cmd: [sh, script.sh], when: beforeCleanup}]',
};

type ScalarValue = string | number | boolean | null;

/**
 * Reads one YAML mapping into typed fields. Each accessor declares a known key, checks its type, records
 * its position and returns the value or the default; `finish()` then reports every key nobody asked for.
 */
export class MapReader {
  private readonly known = new Set<string>();

  constructor(
    readonly ctx: ReadContext,
    readonly node: YAMLMap,
    readonly path: ConfigPath,
    /** How messages name this mapping: 'job "node-density"', 'global', 'object 2 of job "x"'. */
    readonly what: string,
  ) {
    ctx.sources.set(path, positionOf(ctx, node));
  }

  /** A reader for `node` if it is a mapping; otherwise reports the error and returns undefined. */
  static of(ctx: ReadContext, node: Node | null | undefined, path: ConfigPath, what: string): MapReader | undefined {
    if (isMap(node)) return new MapReader(ctx, node, path, what);
    ctx.diags.error(positionOf(ctx, node), `${what} must be a mapping (key: value lines), got ${describeNode(node)}`);
    return undefined;
  }

  /** The value node of `key`, declaring it known; null values count as absent, as in kube-burner. */
  valueNode(key: string): Node | undefined {
    this.known.add(key);
    for (const pair of this.node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === key) {
        const value = pair.value as Node | null;
        if (value === null || (isScalar(value) && value.value === null)) return undefined;
        this.ctx.sources.set([...this.path, key], positionOf(this.ctx, value, positionOf(this.ctx, pair.key as Node)));
        return value;
      }
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.valueNode(key) !== undefined;
  }

  pos(key?: string): SourcePos {
    if (key === undefined) return positionOf(this.ctx, this.node);
    return positionOf(this.ctx, this.valueNode(key), positionOf(this.ctx, this.node));
  }

  error(key: string | undefined, message: string, hint?: string): void {
    this.ctx.diags.error(this.pos(key), message, hint);
  }

  warn(key: string | undefined, message: string, hint?: string): void {
    this.ctx.diags.warn(this.pos(key), message, hint);
  }

  private scalar(key: string): { node: Node; value: ScalarValue } | undefined {
    const node = this.valueNode(key);
    if (node === undefined) return undefined;
    if (!isScalar(node)) {
      this.typeError(key, node, 'a single value');
      return undefined;
    }
    return { node, value: node.value as ScalarValue };
  }

  private typeError(key: string, node: Node, expected: string, hint?: string): void {
    this.ctx.diags.error(positionOf(this.ctx, node), `${this.label(key)} must be ${expected}, got ${describeNode(node)}`, hint);
  }

  label(key: string): string {
    return `"${key}" of ${this.what}`;
  }

  string(key: string, fallback: string): string;
  string(key: string): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    const got = this.scalar(key);
    if (!got) return fallback;
    if (typeof got.value === 'string') return got.value;
    if (typeof got.value === 'number' || typeof got.value === 'boolean') return String(got.value);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(key);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const suggestion = didYouMean(value, allowed);
    this.error(key, `${this.label(key)} is "${value}"; it must be one of ${allowed.join(', ')}`, suggestion);
    return fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const got = this.scalar(key);
    if (!got) return fallback;
    if (typeof got.value === 'boolean') return got.value;
    // yaml.v3 (kube-burner) also takes YAML 1.1 booleans for bool fields
    if (typeof got.value === 'string') {
      const lower = got.value.toLowerCase();
      if (['true', 'yes', 'on', 'y'].includes(lower)) return true;
      if (['false', 'no', 'off', 'n'].includes(lower)) return false;
    }
    this.typeError(key, got.node, 'true or false');
    return fallback;
  }

  number(key: string, fallback: number): number {
    const got = this.scalar(key);
    if (!got) return fallback;
    if (typeof got.value === 'number' && Number.isFinite(got.value)) return got.value;
    this.typeError(key, got.node, 'a number', quotedNumberHint(got.value));
    return fallback;
  }

  int(key: string, fallback: number, min?: number): number {
    const got = this.scalar(key);
    if (!got) return fallback;
    if (typeof got.value !== 'number' || !Number.isInteger(got.value)) {
      this.typeError(key, got.node, 'a whole number', quotedNumberHint(got.value));
      return fallback;
    }
    if (min !== undefined && got.value < min) {
      this.error(key, `${this.label(key)} is ${got.value}; it must be at least ${min}`);
      return fallback;
    }
    return got.value;
  }

  /** Go duration string ("30s", "1m30s", "4h") in milliseconds. */
  duration(key: string, fallbackMs: number): number {
    const got = this.scalar(key);
    if (!got) return fallbackMs;
    if (got.value === 0) return 0;
    if (typeof got.value === 'number') {
      this.typeError(key, got.node, 'a duration with a unit', `write "${got.value}s" for ${got.value} seconds; units: ms, s, m, h`);
      return fallbackMs;
    }
    const ms = typeof got.value === 'string' ? parseGoDuration(got.value) : undefined;
    if (ms === undefined) {
      this.typeError(key, got.node, 'a duration like "30s", "1m30s" or "4h"', 'units: ns, us, ms, s, m, h');
      return fallbackMs;
    }
    if (ms < 0) {
      this.error(key, `${this.label(key)} is negative (${String(got.value)})`, 'use 0 or a positive duration');
      return fallbackMs;
    }
    return ms;
  }

  /** A mapping of string to string (labels, selectors). Numbers and booleans are taken as their text. */
  stringMap(key: string): Record<string, string> {
    const node = this.valueNode(key);
    if (node === undefined) return {};
    if (!isMap(node)) {
      this.typeError(key, node, 'a mapping of names to values', 'e.g. {app: web}');
      return {};
    }
    const out: Record<string, string> = {};
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const v = pair.value as Node | null;
      if (k === undefined || !isScalar(v)) {
        this.ctx.diags.error(positionOf(this.ctx, (v ?? pair.key) as Node, positionOf(this.ctx, node)), `${this.label(key)} must map names to single values`);
        continue;
      }
      out[k] = v.value === null ? '' : String(v.value);
    }
    return out;
  }

  stringList(key: string): string[] {
    const node = this.valueNode(key);
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.typeError(key, node, 'a list', `write ${key}: [a, b] or one "- item" per line`);
      return [];
    }
    const out: string[] = [];
    node.items.forEach((item, i) => {
      if (isScalar(item) && item.value !== null && typeof item.value !== 'object') out.push(String(item.value));
      else this.ctx.diags.error(positionOf(this.ctx, item as Node, positionOf(this.ctx, node)), `item ${i + 1} of ${this.label(key)} must be a single value`);
    });
    return out;
  }

  /** Any mapping, kept as plain data (inputVars, indexer settings, measurement options). */
  record(key: string): Record<string, unknown> {
    const node = this.valueNode(key);
    if (node === undefined) return {};
    if (!isMap(node)) {
      this.typeError(key, node, 'a mapping');
      return {};
    }
    return node.toJS(this.ctx.doc, { maxAliasCount: -1 }) as Record<string, unknown>; // load bounded the aliases
  }

  /** Any value, kept as plain data, for keys burn passes through without interpreting. */
  raw(key: string): unknown {
    const node = this.valueNode(key);
    return node === undefined ? undefined : node.toJS(this.ctx.doc, { maxAliasCount: -1 });
  }

  /** A nested mapping read by `read`; absent means `read` is given undefined so it can apply defaults. */
  object<T>(key: string, what: string, read: (reader: MapReader | undefined) => T): T {
    const node = this.valueNode(key);
    if (node === undefined) return read(undefined);
    return read(MapReader.of(this.ctx, node, [...this.path, key], what));
  }

  /** A list whose items are read one by one; unreadable items are reported and left out. */
  list<T>(key: string, readItem: (node: Node, path: ConfigPath, index: number) => T | undefined): T[] {
    const node = this.valueNode(key);
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.typeError(key, node, 'a list', 'start each item with "- "');
      return [];
    }
    return readSeqItems(node, [...this.path, key], readItem);
  }

  /** Reports keys that no accessor declared, with the closest known key as the fix. */
  finish(): void {
    for (const pair of this.node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.ctx.diags.error(positionOf(this.ctx, keyNode, positionOf(this.ctx, this.node)), `keys of ${this.what} must be plain names`);
        continue;
      }
      if (this.known.has(key)) continue;
      const hint = renamedKeys[key] !== undefined ? `kube-burner v2 calls it ${renamedKeys[key]}` : didYouMean(key, this.known);
      this.ctx.diags.error(positionOf(this.ctx, keyNode), `unknown key "${key}" in ${this.what}`, hint ?? `known keys: ${[...this.known].join(', ')}`);
    }
  }
}

export function readSeqItems<T>(seq: YAMLSeq, path: ConfigPath, readItem: (node: Node, path: ConfigPath, index: number) => T | undefined): T[] {
  const out: T[] = [];
  seq.items.forEach((item, index) => {
    const value = readItem(item as Node, [...path, index], index);
    if (value !== undefined) out.push(value);
  });
  return out;
}

function quotedNumberHint(value: ScalarValue): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? `remove the quotes: ${value}` : undefined;
}

export function describeNode(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
    return `${typeof v} ${String(v)}`;
  }
  return 'an alias or unknown node';
}
