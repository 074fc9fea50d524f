/** `burn diff` output: a terminal table within 120 columns, Markdown for a pull-request comment, or JSON. */
import { formatMs, formatNumber, formatPercent } from '../format.js';
import { MIN_SAMPLES, MIN_TAIL_SAMPLES, formatAlpha, type MetricComparison } from './compare.js';
import type { MetricUnit } from './metrics.js';
import type { DiffReport, DiffSide, RunFacts } from './index.js';
import { textTable, wrap } from '../text-table.js';

export type DiffFormat = 'table' | 'markdown' | 'json';
export const DIFF_FORMATS: DiffFormat[] = ['table', 'markdown', 'json'];

/** The terminal table never grows wider than this: the metric column wraps first. */
export const TABLE_WIDTH = 120;

export function formatValue(value: number, unit: MetricUnit, signed = false): string {
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
  const pct = Math.abs(m.changePercent) >= 100 ? `${m.changePercent > 0 ? '+' : ''}${Math.round(m.changePercent)}%` : formatPercent(m.changePercent);
  return `${formatValue(m.change, m.unit, true)} (${pct})`;
}

/** "CI +1.20s..+2.10s" (over samples), "runs CI ..." (over repeated runs), "MW p<0.001", "series 1.2s..1.5s" (+ its samples' test), "-". */
function noiseCell(m: MetricComparison): string {
  return noiseText(m.noise, m.unit);
}

function noiseText(noise: MetricComparison['noise'], unit: MetricComparison['unit']): string {
  if (noise.series) {
    const range = `series ${formatValue(noise.series.low, unit)}..${formatValue(noise.series.high, unit)}`;
    return noise.samples && noise.samples.method !== 'none' ? `${range}; ${noiseText({ ...noise.samples, confidence: noise.confidence }, unit)}` : range;
  }
  if (noise.pValue !== undefined) return `MW p${noise.pValue < 0.001 ? '<0.001' : `=${noise.pValue.toFixed(3)}`}`;
  if (!noise.interval) return '-';
  const { low, high } = noise.interval;
  return `${noise.method === 'bootstrap-runs' ? 'runs ' : ''}CI ${formatValue(low, unit, true)}..${formatValue(high, unit, true)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function facts(r: RunFacts): string {
  const target = r.target === 'sim' ? `sim${r.simProfile ? ` (${r.simProfile})` : ''}` : r.target;
  const config = `${r.configFile || '?'}${r.configDigest ? ` sha256:${r.configDigest.slice(0, 12)}` : ''}`;
  return `burn ${r.burnVersion}, ${target}, Kubernetes ${r.k8sVersion}, ${Number.isFinite(r.nodes) ? plural(r.nodes, 'node') : '? nodes'}, config ${config}`;
}

/** "baseline reports/a (run d1cc1e42)", then per run what it ran on: burn version, target, Kubernetes, nodes, config. */
function sideLines(side: DiffSide, name: 'baseline' | 'candidate'): string[] {
  if (side.runs.length === 1) return [`${name} ${side.spec} (run ${side.runs[0]!.uuid})`, `  ${facts(side.runs[0]!)}`];
  return [`${name} ${side.spec} (${plural(side.runs.length, 'run')})`, ...side.runs.map((r) => `  ${r.uuid}: ${facts(r)}`)];
}

function headline(report: DiffReport): string {
  const { regressions, improvements, unchanged, notEnoughData } = report.summary;
  const verdict = regressions > 0 ? 'REGRESSION' : 'no regression';
  const few = notEnoughData ? `, ${notEnoughData} not enough data` : '';
  return `burn diff: ${verdict}: ${plural(regressions, 'regression')}, ${plural(improvements, 'improvement')}, ${unchanged} unchanged${few}`;
}

export function methodText(report: DiffReport): string {
  const { confidence, resamples, seed } = report.rules;
  return (
    `Significance: a change (in % of the baseline; of the threshold for SLO margins) counts when it is beyond the metric's tolerance and beyond noise. Latencies are tested on their samples ` +
    `(per-pod latencies; API calls' histograms): the ${Math.round(confidence * 100)}% bootstrap confidence interval (CI) of the difference must exclude 0 ` +
    `(${resamples} resamples, seed ${seed}; runs, then samples within each run, drawn with replacement; quantiles by nearest rank). ` +
    `A quantile with fewer than ${MIN_TAIL_SAMPLES} samples beyond it (the P99 of a few hundred) is judged by a two-sided Mann-Whitney U test (MW) instead: p must be below ${(1 - confidence).toFixed(2)} divided by the number of such tests in the diff (Bonferroni${rankAlpha(report)}). ` +
    `Repeated runs without samples: the CI of the runs' medians ("runs CI"). Fewer than ${MIN_SAMPLES} samples on a side, or one run per side without samples: "not enough data", never a regression. ` +
    seriesText(report) +
    `burn's own calls are never compared; achieved qps is burn's pace, shown, not judged. With repeated runs, values are medians over the runs.`
  );
}

function rankAlpha(report: DiffReport): string {
  const metrics = report.comparison.metrics;
  const alpha = metrics.find((m) => m.noise.method === 'mann-whitney')?.noise.alpha ?? metrics.find((m) => m.noise.samples?.method === 'mann-whitney')?.noise.samples?.alpha;
  return alpha === undefined ? '' : `: p < ${formatAlpha(alpha)} here`;
}

function seriesText(report: DiffReport): string {
  const alpha = report.comparison.metrics.find((m) => m.noise.method === 'series')?.noise.alpha;
  if (alpha === undefined) return '';
  return (
    `Against a baseline series (--baseline-history), a figure is beyond noise when it lies outside every baseline run's value and outside the series' prediction interval (Student's t, level ${formatAlpha(alpha)}: 1 - confidence shared among the series tests), ` +
    `and, where the runs keep the samples it is a quantile of, when the test of those samples above agrees; a run's figure over fewer than ${MIN_SAMPLES} samples is "not enough data". `
  );
}

function missingLines(report: DiffReport): string[] {
  const lines: string[] = [];
  if (report.comparison.onlyInBaseline.length) lines.push(`only in the baseline (not compared): ${report.comparison.onlyInBaseline.join(', ')}`);
  if (report.comparison.onlyInCandidate.length) lines.push(`only in the candidate (not compared): ${report.comparison.onlyInCandidate.join(', ')}`);
  return lines;
}

const HEAD = ['metric', 'baseline', 'candidate', 'change', 'verdict', 'noise'];

function cells(m: MetricComparison): string[] {
  return [m.label, formatValue(m.baseline, m.unit), formatValue(m.candidate, m.unit), changeCell(m), m.verdict, noiseCell(m)];
}

function renderTable(report: DiffReport): string {
  const table = textTable([HEAD, ...report.comparison.metrics.map(cells)], { right: new Set([1, 2, 3]), maxWidth: TABLE_WIDTH });
  const regressions = report.comparison.metrics
    .filter((m) => m.verdict === 'regression')
    .map((m) => `  REGRESSION ${m.label}: ${formatValue(m.baseline, m.unit)} -> ${formatValue(m.candidate, m.unit)}${m.reason.startsWith('passed') ? `, ${m.reason}` : ''}`);
  const text = [
    headline(report),
    ...sideLines(report.baseline, 'baseline'),
    ...sideLines(report.candidate, 'candidate'),
    ...report.warnings.map((w) => `WARNING: ${w}`),
    '',
    table,
    '',
    ...regressions,
    ...missingLines(report),
    methodText(report),
  ].join('\n');
  return `${text
    .split('\n')
    .flatMap((line) => (line.length > TABLE_WIDTH ? wrap(line, TABLE_WIDTH) : [line]))
    .join('\n')}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const MD_VERDICT: Record<MetricComparison['verdict'], string> = {
  regression: '**regression**',
  improvement: 'improvement',
  unchanged: 'unchanged',
  'not enough data': 'not enough data',
  'not judged': 'not judged',
};

function mdTable(metrics: MetricComparison[]): string[] {
  return [
    `| ${HEAD.join(' | ')} |`,
    '|---|---:|---:|---:|---|---|',
    ...metrics.map((m) => {
      const row = cells(m);
      row[4] = MD_VERDICT[m.verdict];
      return `| ${row.map(mdCell).join(' | ')} |`;
    }),
  ];
}

/** Changed metrics in the table; the unchanged ones folded away, so the comment stays short. */
function renderMarkdown(report: DiffReport): string {
  const changed = report.comparison.metrics.filter((m) => m.verdict !== 'unchanged');
  const unchanged = report.comparison.metrics.filter((m) => m.verdict === 'unchanged');
  return [
    `### ${headline(report)}`,
    '',
    ...sideLines(report.baseline, 'baseline').map((l) => `- ${l.trim()}`),
    ...sideLines(report.candidate, 'candidate').map((l) => `- ${l.trim()}`),
    ...report.warnings.map((w) => `- **warning**: ${w}`),
    '',
    ...(changed.length ? mdTable(changed) : ['No metric changed beyond its tolerance and noise.']),
    '',
    ...(unchanged.length ? ['<details><summary>' + plural(unchanged.length, 'unchanged metric') + '</summary>', '', ...mdTable(unchanged), '', '</details>', ''] : []),
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
