/** The SLO verdict table printed at the end of a run, and the slo.json document beside it. */
import Table from 'cli-table3';
import { join } from 'node:path';
import { failedVerdicts, gradingExitCode, type Verdict } from '../slo/grade.js';
import type { MeasurementResult } from '../measure/types.js';
import { writeJsonAtomic } from './atomic.js';

function formatValue(value: number, unit: Verdict['unit']): string {
  if (Number.isNaN(value)) return '-';
  if (unit === 'ms') return value >= 10_000 ? `${(value / 1000).toFixed(2)}s` : `${Math.round(value)}ms`;
  if (unit === '%') return `${value.toFixed(1)}%`;
  return String(value);
}

/** "+420ms (42%)" of headroom, or "-1.20s (-24%)" when failed. */
export function formatMargin(v: Verdict): string {
  if (Number.isNaN(v.margin)) return '-';
  const sign = v.margin >= 0 ? '+' : '-';
  const pct = v.threshold > 0 ? ` (${sign}${Math.abs((100 * v.margin) / v.threshold).toFixed(0)}%)` : '';
  return `${sign}${formatValue(Math.abs(v.margin), v.unit)}${pct}`;
}

function resultCell(v: Verdict): string {
  if (!v.binding) return v.passed ? 'pass (shown)' : 'FAIL (shown)';
  return v.passed ? 'pass' : 'FAIL';
}

/**
 * The table: SLO, key, source, value, threshold, margin, pass/fail, samples, then one line per
 * failure saying by how much. "(shown)" marks a second source beside the graded one.
 */
export function renderSloTable(verdicts: Verdict[]): string {
  if (verdicts.length === 0) return 'SLOs: nothing to grade (no measurement produced an SLI)\n';
  const table = new Table({
    head: ['SLO', 'key', 'source', 'value', 'threshold', 'margin', 'result', 'samples'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'left', 'right'],
  });
  for (const v of verdicts) {
    table.push([v.slo, v.key, v.source, formatValue(v.value, v.unit), formatValue(v.threshold, v.unit), formatMargin(v), resultCell(v), v.samples]);
  }
  const failed = failedVerdicts(verdicts);
  const summary = failed.length === 0 ? `SLOs: all ${verdicts.filter((v) => v.binding).length} passed` : `SLOs: ${failed.length} failed\n${failed.map((v) => `  FAIL ${v.message}`).join('\n')}`;
  return `${table.toString()}\n${summary}\n`;
}

export interface SloDocument {
  version: 'v1';
  uuid: string;
  generatedAt: string;
  passed: boolean;
  exitCode: number;
  /** Why the run ended early, when it did (timeout, interrupted, error). */
  reason?: string;
  verdicts: Verdict[];
}

export function sloDocument(verdicts: Verdict[], results: MeasurementResult[], meta: { uuid: string; reason?: string; generatedAtMs?: number }): SloDocument {
  const exitCode = gradingExitCode(verdicts, results);
  return {
    version: 'v1',
    uuid: meta.uuid,
    generatedAt: new Date(meta.generatedAtMs ?? Date.now()).toISOString(),
    passed: failedVerdicts(verdicts).length === 0,
    exitCode,
    ...(meta.reason ? { reason: meta.reason } : {}),
    // NaN is not JSON: a figure that could not be computed is written as null.
    verdicts: verdicts.map((v) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)))),
  };
}

/** Writes `<reportDir>/slo.json` atomically; returns its path. */
export async function writeSloDocument(reportDir: string, doc: SloDocument): Promise<string> {
  const path = join(reportDir, 'slo.json');
  await writeJsonAtomic(path, doc);
  return path;
}
