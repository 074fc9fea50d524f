/**
 * The Go cross-check's table on burn's side: reads cases.yaml, renders every case with burn, and compares
 * results (Go's, live or stored in expected.json) case by case. Used by test/template/crosscheck.test.ts
 * and by scripts/template/crosscheck (through run-burn.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderTemplate, TemplateError } from '../../../src/template/index.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const CASES_FILE = join(HERE, 'cases.yaml');
export const EXPECTED_FILE = join(HERE, 'expected.json');
/** The environment both sides render in (the script and the test set it). */
export const CROSSCHECK_ENV = { TZ: 'UTC', BURN_CROSSCHECK_ENV: 'from-env' } as const;

export interface Case {
  name: string;
  tpl: string;
  data?: Record<string, unknown>;
  missingKeyZero?: boolean;
  /** A regular expression both outputs must match (random or clock-dependent results). */
  shape?: string;
  /** false: both sides must fail; burn words the message its own way. */
  goMessage?: boolean;
}

export interface Table {
  data: Record<string, unknown>;
  cases: Case[];
}

/** One case's result: its output, or its error message. */
export interface Result {
  name: string;
  output?: string;
  error?: string;
}

export function loadTable(file = CASES_FILE): Table {
  const table = parse(readFileSync(file, 'utf8')) as Table;
  const names = new Set<string>();
  for (const c of table.cases) {
    if (names.has(c.name)) throw new Error(`${file}: case name "${c.name}" is used twice`);
    names.add(c.name);
  }
  return table;
}

export function loadResults(file: string): Result[] {
  return JSON.parse(readFileSync(file, 'utf8')) as Result[];
}

/** Renders a case with burn; the template is named "t", as the Go side names it. */
export function renderBurn(table: Table, c: Case): Result {
  try {
    const output = renderTemplate(c.tpl, structuredClone(c.data ?? table.data), { file: 't', missingKey: c.missingKeyZero ? 'zero' : 'error', baseDir: process.cwd() });
    return { name: c.name, output };
  } catch (err) {
    if (err instanceof TemplateError) return { name: c.name, error: err.what };
    return { name: c.name, error: `burn crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
  }
}

/**
 * The part of a Go error message burn promises to reproduce: what went wrong, after Go's
 * "template: t:LINE:COL: executing "t" at <NODE>: " prefix (burn reports the position its own way).
 */
export function messageCore(message: string): string {
  return message
    .replace(/^template: t:\d+(:\d+)?: /, '')
    .replace(/^executing "t" at <.*?>: /s, '');
}

/** What Go's results store for a case: shape cases keep no bytes (they differ from run to run). */
export function storable(c: Case, r: Result): Result {
  if (c.shape === undefined) return r;
  return r.error !== undefined ? { name: r.name, error: r.error } : { name: r.name, output: '(checked by shape)' };
}

/**
 * Differences between burn's result and Go's for one case, as readable lines (none when they agree).
 * `go` is Go's result (live or stored); for a shape case a stored output is not compared.
 */
export function compareCase(c: Case, go: Result | undefined, burn: Result, goIsLive: boolean): string[] {
  if (!go) return [`${c.name}: no Go result (run scripts/template/crosscheck --update)`];
  const where = `${c.name}  (template ${JSON.stringify(c.tpl)})`;
  if (go.error !== undefined) {
    if (burn.error === undefined) return [`${where}\n    Go failed:   ${go.error}\n    burn output: ${JSON.stringify(burn.output)}`];
    if (c.goMessage === false || messageCore(burn.error) === messageCore(go.error)) return [];
    return [`${where}\n    Go error:   ${messageCore(go.error)}\n    burn error: ${messageCore(burn.error)}`];
  }
  if (burn.error !== undefined) return [`${where}\n    Go output:  ${JSON.stringify(go.output)}\n    burn failed: ${burn.error}`];
  if (c.shape !== undefined) {
    const shape = new RegExp(c.shape);
    const out: string[] = [];
    if (goIsLive && !shape.test(go.output!)) out.push(`${where}\n    Go output ${JSON.stringify(go.output)} does not match the shape /${c.shape}/ (fix the case)`);
    if (!shape.test(burn.output!)) out.push(`${where}\n    burn output ${JSON.stringify(burn.output)} does not match the shape /${c.shape}/`);
    return out;
  }
  if (go.output === burn.output) return [];
  return [`${where}\n    Go output:   ${JSON.stringify(go.output)}\n    burn output: ${JSON.stringify(burn.output)}`];
}

/** Compares burn with a full set of Go results; returns the readable differences. */
export function compareAll(table: Table, goResults: Result[], burnResults: Result[], goIsLive: boolean): string[] {
  const go = new Map(goResults.map((r) => [r.name, r]));
  const burn = new Map(burnResults.map((r) => [r.name, r]));
  return table.cases.flatMap((c) => compareCase(c, go.get(c.name), burn.get(c.name)!, goIsLive));
}
