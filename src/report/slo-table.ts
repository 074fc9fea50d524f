/** The SLO verdict table printed at the end of a run, and the slo.json document beside it (written and read here). */
import Table from 'cli-table3';
import { join } from 'node:path';
import { failedVerdicts, gradingExitCode, inconclusiveVerdicts, overallState, runSaturation, type Verdict, type VerdictState } from '../slo/index.js';
import { SELF_DELAY_KINDS, type MeasurementResult, type SaturationReport } from '../measure/index.js';
import { formatMs } from '../shared/format-ms.js';
import { writeJsonAtomic } from './atomic.js';
import { isObject, num, str, type JsonObject } from './json.js';

function formatValue(value: number, unit: Verdict['unit']): string {
  if (Number.isNaN(value)) return '-';
  if (unit === 'ms') return formatMs(value);
  if (unit === '%') return `${value.toFixed(1)}%`;
  return String(value);
}

/** The figure as a reader should take it: "no samples", "max 850ms" (fewer than 100 samples), "never ready". */
export function formatVerdictValue(v: Verdict): string {
  if (v.noSamples) return 'no samples';
  if (v.notMeasurable) return 'not measurable';
  if (v.neverReady && !Number.isFinite(v.value)) return `${v.neverReady} never ready`;
  return `${v.p99IsMax ? 'max ' : ''}${formatValue(v.value, v.unit)}`;
}

export function formatThreshold(v: Verdict): string {
  return formatValue(v.threshold, v.unit);
}

/** "+420ms (42%)" of headroom, or "-1.20s (-24%)" when failed. */
export function formatMargin(v: Verdict): string {
  if (v.noSamples || !Number.isFinite(v.margin)) return '-';
  const sign = v.margin >= 0 ? '+' : '-';
  const pct = v.threshold > 0 ? ` (${sign}${Math.abs((100 * v.margin) / v.threshold).toFixed(0)}%)` : '';
  return `${sign}${formatValue(Math.abs(v.margin), v.unit)}${pct}`;
}

const STATE_WORD: Record<VerdictState, string> = { pass: 'pass', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' };

/** "pass", "FAIL", "INCONCLUSIVE"; a figure that cannot decide the run says why it is shown. */
export function resultWord(v: Verdict): string {
  const word = STATE_WORD[v.state];
  if (v.binding) return word;
  return v.source === 'client' ? `${word.toLowerCase()} (diagnostic)` : `${word.toLowerCase()} (shown)`;
}

/** "SLOs: all 6 passed", "SLOs: 1 failed", "SLOs: 1 inconclusive", each failure on a line of its own. */
export function verdictSummary(verdicts: Verdict[]): string {
  const failed = failedVerdicts(verdicts);
  const inconclusive = inconclusiveVerdicts(verdicts);
  const graded = verdicts.filter((v) => v.binding).length;
  if (failed.length === 0 && inconclusive.length === 0) return `SLOs: all ${graded} passed`;
  const head = [failed.length ? `${failed.length} failed` : '', inconclusive.length ? `${inconclusive.length} inconclusive` : ''].filter(Boolean).join(', ');
  return [`SLOs: ${head}`, ...failed.map((v) => `  FAIL ${v.message}`), ...inconclusive.map((v) => `  INCONCLUSIVE ${v.message}`)].join('\n');
}

/**
 * The table: SLO, key, source, value, threshold, margin, result, samples, then one line per
 * failure saying by how much. "(shown)" marks a second source beside the graded one,
 * "(diagnostic)" a client-side figure that is never graded against a SIG SLO.
 */
export function renderSloTable(verdicts: Verdict[]): string {
  if (verdicts.length === 0) return 'SLOs: nothing to grade (no measurement produced an SLI)\n';
  const table = new Table({
    head: ['SLO', 'key', 'source', 'value', 'threshold', 'margin', 'result', 'samples'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right'],
    // No rule between rows: a run has many verdicts.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const v of verdicts) table.push([v.slo, v.key, v.source, formatVerdictValue(v), formatThreshold(v), formatMargin(v), resultWord(v), v.samples]);
  return `${table.toString()}\n${verdictSummary(verdicts)}\n`;
}

export interface SloDocument {
  version: 'v1';
  uuid: string;
  generatedAt: string;
  /** pass, fail or inconclusive (a failure burn's or the simulator's saturation may explain). */
  state: VerdictState;
  passed: boolean;
  exitCode: number;
  /** Why the run ended early, when it did (timeout, interrupted, error). */
  reason?: string;
  /** burn's (and the simulator's) event-loop saturation over the run. */
  saturation: SaturationReport[];
  verdicts: Verdict[];
}

/** NaN and Infinity are not JSON: a figure that could not be computed is written as null. */
function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as T;
}

export function sloDocument(verdicts: Verdict[], results: MeasurementResult[], meta: { uuid: string; reason?: string; generatedAtMs?: number }): SloDocument {
  const state = overallState(verdicts);
  return {
    version: 'v1',
    uuid: meta.uuid,
    generatedAt: new Date(meta.generatedAtMs ?? Date.now()).toISOString(),
    state,
    passed: state === 'pass',
    exitCode: gradingExitCode(verdicts, results),
    ...(meta.reason ? { reason: meta.reason } : {}),
    saturation: runSaturation(results),
    verdicts: verdicts.map(jsonSafe),
  };
}

/** Writes `<reportDir>/slo.json` atomically; returns its path. */
export async function writeSloDocument(reportDir: string, doc: SloDocument): Promise<string> {
  const path = join(reportDir, 'slo.json');
  await writeJsonAtomic(path, doc);
  return path;
}

const STATES: readonly VerdictState[] = ['pass', 'fail', 'inconclusive'];
const OWNERS = ['burn', 'simulator'] as const;

/** A verdict of slo.json read back; figures written as null (not computable) come back as NaN. */
export function verdictFromJson(raw: JsonObject): Verdict {
  const n = (v: unknown) => (v === null || v === undefined ? NaN : num(v));
  const passed = raw.passed === true;
  // slo.json of burn before verdict states had only `passed`.
  const state = STATES.find((s) => s === raw.state) ?? (passed ? 'pass' : 'fail');
  const neverReady = num(raw.neverReady, 0);
  return {
    slo: str(raw.slo),
    source: str(raw.source),
    key: str(raw.key),
    value: n(raw.value),
    threshold: n(raw.threshold),
    margin: n(raw.margin),
    unit: raw.unit === '%' || raw.unit === 'count' ? raw.unit : 'ms',
    state,
    passed: state === 'pass',
    binding: raw.binding !== false,
    samples: num(raw.samples, 0),
    ...(raw.p99IsMax === true ? { p99IsMax: true } : {}),
    ...(raw.noSamples === true ? { noSamples: true } : {}),
    ...(raw.notMeasurable === true ? { notMeasurable: true } : {}),
    ...(neverReady > 0 ? { neverReady } : {}),
    restsOn: Array.isArray(raw.restsOn) ? OWNERS.filter((o) => (raw.restsOn as unknown[]).includes(o)) : [],
    message: str(raw.message),
  };
}

function saturationFromJson(raw: JsonObject): SaturationReport {
  return {
    source: raw.source === 'simulator' ? 'simulator' : 'burn',
    samples: num(raw.samples, 0),
    loopDelayP99Ms: num(raw.loopDelayP99Ms, 0),
    saturatedFraction: num(raw.saturatedFraction, 0),
    ...(typeof raw.cpuSeconds === 'number' ? { cpuSeconds: raw.cpuSeconds } : {}),
    saturated: raw.saturated === true,
    ...selfDelayFromJson(raw.selfDelay),
  };
}

function selfDelayFromJson(raw: unknown): Pick<SaturationReport, 'selfDelay'> {
  if (!isObject(raw)) return {};
  const selfDelay: NonNullable<SaturationReport['selfDelay']> = {};
  for (const kind of SELF_DELAY_KINDS) {
    const figure = raw[kind];
    if (!isObject(figure) || typeof figure.p99Ms !== 'number') continue;
    selfDelay[kind] = { p99Ms: figure.p99Ms, samples: num(figure.samples, 0), ...(figure.p99IsMax === true ? { p99IsMax: true as const } : {}) };
  }
  return Object.keys(selfDelay).length > 0 ? { selfDelay } : {};
}

/** slo.json read back (missing parts empty): the reports' view of the grading. */
export function sloFromJson(raw: unknown): { verdicts: Verdict[]; saturation: SaturationReport[]; exitCode?: number } {
  if (!isObject(raw)) return { verdicts: [], saturation: [] };
  return {
    verdicts: Array.isArray(raw.verdicts) ? raw.verdicts.filter(isObject).map(verdictFromJson) : [],
    saturation: Array.isArray(raw.saturation) ? raw.saturation.filter(isObject).map(saturationFromJson) : [],
    ...(typeof raw.exitCode === 'number' ? { exitCode: raw.exitCode } : {}),
  };
}
