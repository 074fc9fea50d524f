/**
 * How a measurement plugin reads its options: from the plain values written in the config entry,
 * each bad one reported at its own key (file:line:col, or the flag that gave it) with the fix.
 * The config decoder (or `burn measure`'s flags) supplies the positions; plugins never see YAML.
 */
import { parseGoDuration } from '../shared/duration.js';
import { didYouMean } from '../shared/suggest.js';
import { UserError } from '../shared/errors.js';

/** A path below the measurement entry: ['thresholds', 0, 'metric']. */
export type OptionPath = ReadonlyArray<string | number>;

export interface OptionPositions {
  /** Where the entry (no path) or one of its options is written: "config.yaml:12:7", or a flag. */
  where(path?: OptionPath): string;
  /** Stops parsing: the problem is reported at the option (or the entry) with its fix. */
  error(path: OptionPath | undefined, message: string, hint?: string): never;
  /** A problem that does not stop the run, e.g. a kube-burner option burn accepts but does not act on. */
  warn(path: OptionPath | undefined, message: string, hint?: string): void;
}

/** What `OptionPositions.error` throws; the config decoder turns it into a positioned diagnostic. */
export class MeasurementOptionError extends UserError {
  constructor(readonly path: OptionPath | undefined, readonly problem: string, hint?: string) {
    super(problem, { hint });
    this.name = 'MeasurementOptionError';
  }
}

/** Positions for options that were not written anywhere: a default measurement, or `--measurement NAME`. */
export function positionsOf(origin: string, warn: (message: string) => void = () => {}): OptionPositions {
  return {
    where: () => origin,
    error(path, message, hint) {
      throw new UserError(`${origin}: ${message}`, { hint });
    },
    warn: (_path, message, hint) => warn(`${origin}: ${message}${hint ? ` (${hint})` : ''}`),
  };
}

type Scalar = string | number | boolean;

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one mapping of options. Each accessor declares a key, checks its value and returns it or the
 * default; `finish()` then refuses every key nobody asked for, naming the closest known one.
 */
export class OptionReader {
  private readonly known = new Set<string>();

  constructor(
    private readonly raw: Record<string, unknown>,
    readonly at: OptionPositions,
    /** Path of this mapping below the entry ([] for the entry itself). */
    readonly path: OptionPath,
    /** How messages name the mapping: "podLatency", "podLatency thresholds[1]". */
    readonly what: string,
    /** Keys read elsewhere (the entry's `name`). */
    alsoKnown: readonly string[] = [],
  ) {
    for (const key of alsoKnown) this.known.add(key);
  }

  /** The value of `key`, declaring it known; null counts as absent, as in kube-burner. */
  value(key: string): unknown {
    this.known.add(key);
    const v = this.raw[key];
    return v === null ? undefined : v;
  }

  fail(key: string | undefined, message: string, hint?: string): never {
    return this.at.error(key === undefined ? this.path : [...this.path, key], message, hint);
  }

  warn(key: string | undefined, message: string, hint?: string): void {
    this.at.warn(key === undefined ? this.path : [...this.path, key], message, hint);
  }

  label(key: string): string {
    return `"${key}" of ${this.what}`;
  }

  private scalar(key: string): Scalar | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    if (typeof v === 'object') this.fail(key, `${this.label(key)} must be a single value, got ${describe(v)}`);
    return v as Scalar;
  }

  string(key: string, fallback: string): string {
    const v = this.scalar(key);
    return v === undefined ? fallback : String(v);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.scalar(key);
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    return this.fail(key, `${this.label(key)} must be true or false, got ${describe(v)}`);
  }

  int(key: string, fallback: number, min = 0): number {
    const v = this.scalar(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      const quoted = typeof v === 'string' && v.trim() !== '' && Number.isInteger(Number(v));
      return this.fail(key, `${this.label(key)} must be a whole number, got ${describe(v)}`, quoted ? `remove the quotes: ${v}` : undefined);
    }
    if (v < min) return this.fail(key, `${this.label(key)} is ${v}; it must be at least ${min}`);
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.scalar(key);
    if (v === undefined) return fallback;
    const text = String(v);
    if ((allowed as readonly string[]).includes(text)) return text as T;
    return this.fail(key, `${this.label(key)} is "${text}"; it must be one of ${allowed.join(', ')}`, didYouMean(text, allowed));
  }

  /** A Go duration ("2s", "1m30s", "2000ms") in ms; a bare 0 is allowed, other bare numbers are refused (unit unknown). */
  duration(key: string, fallbackMs: number): number {
    const v = this.scalar(key);
    if (v === undefined) return fallbackMs;
    return parseOptionDuration(v, (message, hint) => this.fail(key, `${this.label(key)} ${message}`, hint));
  }

  /** A list whose items are mappings, each read by `readItem` with its own reader. */
  list<T>(key: string, readItem: (item: OptionReader, index: number) => T, example: string): T[] {
    const v = this.value(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) return this.fail(key, `${this.label(key)} must be a list, got ${describe(v)}`, `e.g. ${key}: ${example}`);
    return v.map((item, i) => {
      const what = `${this.what} ${key}[${i}]`;
      if (!isMapping(item)) return this.at.error([...this.path, key, i], `${what} must be a mapping, got ${describe(item)}`, `e.g. ${example}`);
      const reader = new OptionReader(item, this.at, [...this.path, key, i], what);
      const out = readItem(reader, i);
      reader.finish();
      return out;
    });
  }

  /** Refuses keys no accessor declared, with the closest known key (or the list of them) as the fix. */
  finish(): void {
    for (const key of Object.keys(this.raw)) {
      if (this.known.has(key)) continue;
      const options = [...this.known].filter((k) => k !== 'name');
      const hint = didYouMean(key, options) ?? (options.length ? `${this.what} takes: ${options.join(', ')}` : `${this.what} takes no options`);
      this.fail(key, `unknown option "${key}" of ${this.what}`, hint);
    }
  }
}

/** A measurement option's duration: a Go duration string, or 0. */
export function parseOptionDuration(value: Scalar, fail: (message: string, hint?: string) => never): number {
  if (value === 0) return 0;
  if (typeof value === 'number') return fail(`must be a duration with a unit, got ${value}`, `write "${value}ms" or "${value}s"`);
  const ms = typeof value === 'string' ? parseGoDuration(value) : undefined;
  if (ms === undefined) return fail(`must be a duration like "2s", "500ms" or "1m30s", got ${describe(value)}`, 'units: ns, us, ms, s, m, h');
  if (ms < 0) return fail(`is negative (${String(value)})`, 'use 0 or a positive duration');
  return ms;
}
