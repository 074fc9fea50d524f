/** `burn diff` output: a terminal table, Markdown for a pull-request comment, or JSON. */
import Table from 'cli-table3';
import { formatMs, formatNumber, formatPercent } from '../format.js';
import { MIN_TAIL_SAMPLES, type MetricComparison } from './compare.js';
import type { MetricUnit } from './metrics.js';
import type { DiffReport } from './index.js';

export type DiffFormat = 'table' | 'markdown' | 'json';
export const DIFF_FORMATS: DiffFormat[] = ['table', 'markdown', 'json'];

function formatValue(value: number, unit: MetricUnit, signed = false): string {
  const sign = signed && value > 0 ? '+' : '';
  switch (unit) {
    case 'ms':
      return `${sign}${formatMs(value)}`;
    case 's':
      return `${sign}${formatNumber(value)}s`;
    default:
      return `${sign}${formatNumber(value)} ${unit}`;
  }
}

function changeCell(m: MetricComparison): string {
  return `${formatValue(m.change, m.unit, true)} (${formatPercent(m.changePercent)}${m.id.startsWith('sloMargin/') ? ' of threshold' : ''})`;
}

function noiseCell(m: MetricComparison): string {
  if (m.noise.pValue !== undefined) return `Mann-Whitney p=${m.noise.pValue < 0.001 ? '<0.001' : m.noise.pValue.toFixed(3)} (pods)`;
  if (!m.noise.interval) return '-';
  const { low, high } = m.noise.interval;
  const over = m.noise.method === 'bootstrap-samples' ? 'pods' : 'runs';
  return `${Math.round(m.noise.confidence * 100)}% CI ${formatValue(low, m.unit, true)}..${formatValue(high, m.unit, true)} (${over})`;
}

function sideLine(report: DiffReport, side: 'baseline' | 'candidate'): string {
  const runs = report[side].runs;
  return `${side} ${report[side].spec} (${runs.length} run${runs.length === 1 ? '' : 's'}: ${runs.map((r) => r.uuid).join(', ')})`;
}

function headline(report: DiffReport): string {
  const { regressions, improvements, unchanged } = report.summary;
  const verdict = regressions > 0 ? 'REGRESSION' : 'no regression';
  return `burn diff: ${verdict}: ${regressions} regression${regressions === 1 ? '' : 's'}, ${improvements} improvement${improvements === 1 ? '' : 's'}, ${unchanged} unchanged`;
}

export function methodText(report: DiffReport): string {
  const { confidence, resamples, seed } = report.rules;
  return (
    `Significance: a change counts when it is beyond the metric's tolerance and, where per-pod samples or repeated runs exist, ` +
    `the ${Math.round(confidence * 100)}% bootstrap confidence interval of the difference excludes 0 ` +
    `(${resamples} resamples, seed ${seed}; runs, then pods within each run, drawn with replacement; quantiles by nearest rank; "pods": per-pod samples, "runs": figures of repeated runs). ` +
    `A quantile with fewer than ${MIN_TAIL_SAMPLES} samples beyond it (the P99 of a few hundred pods) is judged by a two-sided Mann-Whitney U test of the pods' samples instead (p < ${(1 - confidence).toFixed(2)}). ` +
    `Without samples or repeated runs, tolerance only. With repeated runs, values are medians over the runs.`
  );
}

function missingLines(report: DiffReport): string[] {
  const lines: string[] = [];
  if (report.comparison.onlyInBaseline.length) lines.push(`only in the baseline (not compared): ${report.comparison.onlyInBaseline.join(', ')}`);
  if (report.comparison.onlyInCandidate.length) lines.push(`only in the candidate (not compared): ${report.comparison.onlyInCandidate.join(', ')}`);
  return lines;
}

function rows(report: DiffReport): string[][] {
  return report.comparison.metrics.map((m) => [m.label, formatValue(m.baseline, m.unit), formatValue(m.candidate, m.unit), changeCell(m), m.verdict, noiseCell(m)]);
}

const HEAD = ['metric', 'baseline', 'candidate', 'change', 'verdict', 'noise'];

function renderTable(report: DiffReport): string {
  const table = new Table({
    head: HEAD,
    style: { head: [], border: [] },
    colAligns: ['left', 'right', 'right', 'right', 'left', 'left'],
    // No rule between rows: a diff has many.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows(report)) table.push(row);
  const regressions = report.comparison.metrics.filter((m) => m.verdict === 'regression').map((m) => `  REGRESSION ${m.label}: ${formatValue(m.baseline, m.unit)} -> ${formatValue(m.candidate, m.unit)}, ${changeCell(m)}; ${m.reason}`);
  return [headline(report), sideLine(report, 'baseline'), sideLine(report, 'candidate'), table.toString(), ...regressions, ...missingLines(report), methodText(report), ''].join('\n');
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const MD_VERDICT: Record<MetricComparison['verdict'], string> = { regression: '**regression**', improvement: 'improvement', unchanged: 'unchanged' };

function renderMarkdown(report: DiffReport): string {
  const header = `| ${HEAD.join(' | ')} |\n|---|---:|---:|---:|---|---|`;
  const table = rows(report);
  const body = report.comparison.metrics.map((m, i) => {
    const cells = table[i]!;
    cells[4] = MD_VERDICT[m.verdict];
    return `| ${cells.map(mdCell).join(' | ')} |`;
  });
  return [
    `### ${headline(report)}`,
    '',
    `- ${sideLine(report, 'baseline')}`,
    `- ${sideLine(report, 'candidate')}`,
    '',
    header,
    ...body,
    '',
    ...missingLines(report).map((l) => `- ${l}`),
    `<sub>${methodText(report)}</sub>`,
    '',
  ].join('\n');
}

/** JSON cannot hold Infinity (a change from 0): written as null. */
function renderJson(report: DiffReport): string {
  return `${JSON.stringify({ ...report, method: methodText(report) }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

export function renderDiff(report: DiffReport, format: DiffFormat): string {
  if (format === 'markdown') return renderMarkdown(report);
  if (format === 'json') return renderJson(report);
  return renderTable(report);
}
