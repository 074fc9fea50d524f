import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { UserError } from '../shared/errors.js';
import { isTemplateError, renderTemplate } from '../template/index.js';
import { decodeConfig, decodeMetricsEndpoints } from './decode.js';
import { ConfigError, DiagnosticList, SourceIndex } from './diagnostics.js';
import { lineMapBetween } from './line-map.js';
import { applySetAssignments, parseSetFlags } from './overrides.js';
import type { ReadContext } from './reader.js';
import type { Config, MetricsEndpoint } from './types.js';
import { describeYamlError } from './yaml-errors.js';
import { aliasProblem, sizeProblem, type YamlLimitProblem } from './yaml-limits.js';

export interface LoadOptions {
  /** `--user-data FILE`: YAML or JSON mapping whose keys become template variables of the config. */
  userData?: string;
  /** `--set` flags: "a.b=c", "jobs.0.qps=50,jobs.0.burst=50"; applied after parsing. */
  set?: string[];
  /** `init -e/--metrics-endpoint FILE`: a YAML list of metrics endpoints that replaces the config's metricsEndpoints, as in kube-burner. */
  metricsEndpoint?: string;
  uuid: string;
  /** Generated when not given. */
  runId?: string;
  /** Template variables of the config file (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** `--allow-missing`: keys missing from env/user data render as zero values instead of failing. */
  allowMissing?: boolean;
  /** Where relative paths are looked for after the config's folder (default process.cwd()). */
  cwd?: string;
  /** false: a config without `jobs` is accepted (burn measure takes only measurements and metricsEndpoints from it, as kube-burner measure). Default true. */
  requireJobs?: boolean;
}

/**
 * Reads a kube-burner v2 config: renders it as a Go template with the environment, `--user-data` and
 * .UUID/.RunID, parses it keeping positions, applies `--set`, checks everything and applies defaults.
 * Throws a ConfigError listing every problem with file:line:col.
 */
export async function loadConfig(path: string, options: LoadOptions): Promise<Config> {
  const file = resolve(options.cwd ?? process.cwd(), path);
  const shown = path; // messages use the path as the user wrote it
  const source = await readText(file, shown, '-c/--config');
  const runId = options.runId ?? randomUUID();
  const data: Record<string, unknown> = { ...stringEnv(options.env ?? process.env) };
  if (options.userData) Object.assign(data, await readUserData(options.userData, options.cwd));
  data.UUID = options.uuid;
  data.RunID = runId;

  refuseOverLimit(sizeProblem(source, `the config ${shown}`), shown);
  const rendered = renderConfigText(source, data, shown, dirname(file), options.allowMissing ?? false);
  refuseOverLimit(sizeProblem(rendered, `the config ${shown} as rendered`), shown);
  const ctx = parseRendered(source, rendered, shown);
  const { diags } = ctx;
  applySetAssignments(ctx.doc, parseSetFlags(options.set ?? [], diags, shown), ctx.flagOrigins, diags, shown);
  const config = decodeConfig({ ctx, file, dir: dirname(file), cwd: options.cwd ?? process.cwd(), uuid: options.uuid, runId, requireJobs: options.requireJobs });
  diags.throwIfAny(shown);
  if (options.metricsEndpoint) config.metricsEndpoints = await loadMetricsEndpoints(options.metricsEndpoint, { uuid: options.uuid, cwd: options.cwd, flag: '-e/--metrics-endpoint' });
  return { ...config, warnings: diags.warnings };
}

/** Parses rendered YAML keeping positions (mapped back to the source's lines); throws a ConfigError on YAML errors. */
function parseRendered(source: string, rendered: string, shown: string): ReadContext & { diags: DiagnosticList } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(rendered, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const lineMap = lineMapBetween(source, rendered);
  const diags = new DiagnosticList();
  for (const err of doc.errors) {
    const at = err.linePos?.[0] ?? { line: 1, col: 1 };
    const { message, hint } = describeYamlError(err);
    diags.error({ file: shown, line: lineMap(at.line), col: at.col }, `YAML: ${message}`, hint);
  }
  diags.throwIfAny(shown);
  const aliases = aliasProblem(doc);
  if (aliases) {
    const { line, col } = lineCounter.linePos(aliases.offset ?? 0);
    diags.error({ file: shown, line: lineMap(line), col }, `YAML: ${aliases.message}`, aliases.hint);
  }
  diags.throwIfAny(shown);
  return { file: shown, doc, lineCounter, lineMap, flagOrigins: new WeakMap<Node, string>(), diags, sources: new SourceIndex(shown) };
}

/**
 * kube-burner's `--metrics-endpoint` file: a YAML list of metricsEndpoints entries (rendered with
 * the environment and .UUID like a config), checked as the config's are. Throws a ConfigError.
 */
export async function loadMetricsEndpoints(path: string, options: { uuid: string; cwd?: string; flag: string }): Promise<MetricsEndpoint[]> {
  const cwd = options.cwd ?? process.cwd();
  const file = resolve(cwd, path);
  const source = await readText(file, path, options.flag);
  refuseOverLimit(sizeProblem(source, `the metrics endpoint file ${path}`), path);
  const data: Record<string, unknown> = { ...stringEnv(process.env), UUID: options.uuid };
  const rendered = renderConfigText(source, data, path, dirname(file), false);
  const ctx = parseRendered(source, rendered, path);
  const endpoints = decodeMetricsEndpoints({ ctx, file, dir: dirname(file), cwd, uuid: options.uuid, runId: options.uuid });
  ctx.diags.throwIfAny(path);
  return endpoints;
}

function renderConfigText(source: string, data: Record<string, unknown>, shown: string, baseDir: string, allowMissing: boolean): string {
  try {
    return renderTemplate(source, data, { file: shown, engine: 'go', missingKey: allowMissing ? 'zero' : 'error', baseDir });
  } catch (err) {
    const missing = isTemplateError(err) ? /no entry for key "([^"]+)"/.exec(err.message) : null;
    if (!missing) throw err;
    const name = missing[1]!;
    throw new UserError((err as Error).message, {
      hint: `config variables come from the environment, --user-data and .UUID/.RunID: set ${name}, write {{ index . "${name}" | default <value> }} for an optional one, or pass --allow-missing`,
      cause: err,
    });
  }
}

async function readText(file: string, shown: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(err)})`;
    throw new UserError(`${shown}: ${why}`, { hint: `check the path given to ${flag}` });
  }
}

async function readUserData(path: string, cwd?: string): Promise<Record<string, unknown>> {
  const text = await readText(resolve(cwd ?? process.cwd(), path), path, '--user-data');
  if (text.trim() === '') throw new UserError(`${path}: the user data file is empty`, { hint: '--user-data takes a YAML or JSON mapping, e.g. ITERATIONS: 10' });
  refuseOverLimit(sizeProblem(text, `the user data file ${path}`), path);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const diags = new DiagnosticList();
  for (const err of doc.errors) {
    const at = err.linePos?.[0] ?? { line: 1, col: 1 };
    const { message, hint } = describeYamlError(err);
    diags.error({ file: path, line: at.line, col: at.col }, `YAML: ${message}`, hint);
  }
  const aliases = diags.empty ? aliasProblem(doc) : undefined;
  if (aliases) diags.error({ file: path, ...lineCounter.linePos(aliases.offset ?? 0) }, `YAML: ${aliases.message}`, aliases.hint);
  if (diags.empty && !isMap(doc.contents)) diags.error({ file: path, line: 1, col: 1 }, 'user data must be a mapping of names to values', 'e.g. ITERATIONS: 10');
  if (!diags.empty) throw new ConfigError(path, diags.items);
  return doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>; // aliasProblem bounds the expansion
}

function refuseOverLimit(problem: YamlLimitProblem | undefined, file: string): void {
  if (problem) throw new ConfigError(file, [{ pos: { file, line: 1, col: 1 }, message: problem.message, hint: problem.hint }]);
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
