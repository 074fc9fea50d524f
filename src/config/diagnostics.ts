import { UserError } from '../shared/errors.js';

/** Where a value came from: a place in a file, or a `--set` flag. Lines and columns start at 1. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
  /** Set when the value was given by `--set`: the flag text, e.g. "--set jobs.0.qps=abc". */
  flag?: string;
}

export function formatPos(pos: SourcePos): string {
  return pos.flag ?? `${pos.file}:${pos.line}:${pos.col}`;
}

/** One problem found in a config: where, what, and how to fix it. */
export interface Diagnostic {
  pos: SourcePos;
  message: string;
  hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${formatPos(d.pos)}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}

/** All the problems of one config at once; the CLI prints them as a list. */
export class ConfigError extends UserError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(file: string, diagnostics: Diagnostic[]) {
    const sorted = [...diagnostics].sort(byPosition);
    const lines = sorted.map(formatDiagnostic);
    const message =
      lines.length === 1 ? lines[0]! : `${file}: ${lines.length} problems:\n${lines.map((l) => `  ${l}`).join('\n')}`;
    super(message, { hint: 'fix the config and run `burn validate -c <file>` again' });
    this.name = 'ConfigError';
    this.diagnostics = sorted;
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  const fa = a.pos.flag ? 1 : 0;
  const fb = b.pos.flag ? 1 : 0;
  return fa - fb || a.pos.file.localeCompare(b.pos.file) || a.pos.line - b.pos.line || a.pos.col - b.pos.col;
}

/** Collects problems while the config is read so that every one is reported, not just the first. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  error(pos: SourcePos, message: string, hint?: string): void {
    this.items.push({ pos, message, hint });
  }

  warn(pos: SourcePos, message: string, hint?: string): void {
    this.warnings.push({ pos, message, hint });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(file: string): void {
    if (this.items.length) throw new ConfigError(file, this.items);
  }
}

/** A path into the config as the user writes it in `--set`: "jobs.0.objects.1.replicas". */
export type ConfigPath = ReadonlyArray<string | number>;

export function pathKey(path: ConfigPath): string {
  return path.join('.');
}

/** Source position of every key and value of a loaded config, by path ("jobs.0.qps"). */
export class SourceIndex {
  private readonly positions = new Map<string, SourcePos>();

  constructor(readonly file: string) {}

  set(path: ConfigPath, pos: SourcePos): void {
    this.positions.set(pathKey(path), pos);
  }

  /** The position of the value at `path`, or of its closest ancestor that has one. */
  at(path: ConfigPath | string): SourcePos {
    const parts = typeof path === 'string' ? (path === '' ? [] : path.split('.')) : path.map(String);
    for (let n = parts.length; n >= 0; n--) {
      const pos = this.positions.get(parts.slice(0, n).join('.'));
      if (pos) return pos;
    }
    return { file: this.file, line: 1, col: 1 };
  }

  /** "config.yaml:12:7" (or the `--set` flag) for the value at `path`. */
  describe(path: ConfigPath | string): string {
    return formatPos(this.at(path));
  }
}
