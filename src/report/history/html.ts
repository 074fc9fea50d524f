/**
 * `burn history --format html`: one self-contained page (inline CSS and SVG, no script, no network)
 * with every metric's series over the runs, each change-point marked at the run where it began and
 * each segment's mean drawn, the metrics that changed first.
 */
import { formatPercent, escapeMarkup as esc } from '../format.js';
import { formatValue } from '../diff/render.js';
import { htmlTable, REPORT_STYLE } from '../html.js';
import { PALETTE, lineChart, type Series } from '../svg.js';
import type { HistoryReport, MetricHistory } from './index.js';
import { headerLines, shortUuid, verdictLines } from './lines.js';

const WORSE = '#dc2626';
const BETTER = '#16a34a';

/** The series, the mean of each segment between change-points (dashed), and a marker at each change-point. */
function metricChart(metric: MetricHistory): string {
  const points: Array<[number, number]> = metric.points.map((p) => [p.run + 1, p.value]);
  const bounds = [0, ...metric.changePoints.map((c) => c.index), points.length];
  const segments: Series[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = points.slice(bounds[i], bounds[i + 1]);
    const mean = part.reduce((sum, [, v]) => sum + v, 0) / part.length;
    segments.push({ name: 'segment mean', points: [[part[0]![0], mean], [part.at(-1)![0], mean]], color: '#6b7280', dashed: true, ...(i > 0 ? { hideInLegend: true } : {}) });
  }
  const markers = metric.changePoints.map((c) => ({
    x: points[c.index]![0],
    label: `${c.worse ? 'worse' : 'better'} ${formatPercent(c.changePercent)} at ${shortUuid(c.uuid)}`,
    color: c.worse ? WORSE : BETTER,
  }));
  return lineChart({
    title: metric.label,
    x: { label: 'run (oldest to newest)', format: (v) => (Number.isInteger(v) ? String(v) : '') },
    y: { label: metric.unit, format: (v) => formatValue(v, metric.unit) },
    series: [{ name: 'value', points, color: PALETTE[0]!, dots: true }, ...segments],
    markers,
  });
}

function metricBlock(metric: MetricHistory): string {
  const changes = metric.changePoints.map((c) => `${c.worse ? 'worse' : 'better'} from run ${shortUuid(c.uuid)}: ${formatValue(c.before, metric.unit)} to ${formatValue(c.after, metric.unit)} (${formatPercent(c.changePercent)})${c.factsChanged.length ? `; also changed there: ${c.factsChanged.join(', ')}` : ''}`);
  const noise = Number.isFinite(metric.noise.madPercent) ? `noise ±${metric.noise.madPercent.toFixed(1)}% (newest segment)` : '';
  const notes = [...changes, noise, metric.notJudged ? `not judged: ${metric.notJudged}` : ''].filter(Boolean);
  return `<div class="metric" data-metric="${esc(metric.id)}">${metricChart(metric)}<div class="meta">${notes.map(esc).join('<br>')}</div></div>`;
}

function runsTable(report: HistoryReport): string {
  const starts = new Set(report.metrics.flatMap((m) => m.changePoints.map((c) => c.dir)));
  const rows = report.runs.map((run, i) => [String(i + 1), esc(shortUuid(run.uuid)), esc(run.start), esc(run.dir), starts.has(run.dir) ? '<span class="fail">change-point</span>' : '']);
  return htmlTable(['run', 'uuid', 'start', 'folder', ''], rows);
}

export function renderHistoryHtml(report: HistoryReport): string {
  const changed = report.metrics.filter((m) => m.changePoints.length > 0);
  const steady = report.metrics.filter((m) => m.changePoints.length === 0);
  const worse = report.metrics.some((m) => m.newestWorse);
  const body = [
    `<h1>burn history</h1>`,
    `<div class="banner ${worse ? 'fail' : 'pass'}">${esc(verdictLines(report).join(' '))}</div>`,
    `<p class="meta">${headerLines(report).map((l) => esc(l.trim())).join('<br>')}</p>`,
    `<h2>Metrics with change-points (${changed.length})</h2>`,
    changed.length ? `<div class="grid">${changed.map(metricBlock).join('\n')}</div>` : '<p class="note">none</p>',
    `<h2>Metrics without change-points (${steady.length})</h2>`,
    steady.length ? `<details><summary>show ${steady.length} series</summary><div class="grid">${steady.map(metricBlock).join('\n')}</div></details>` : '<p class="note">none</p>',
    `<h2>Runs</h2>`,
    runsTable(report),
  ].join('\n');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>burn history: ${esc(report.store)}</title><style>${REPORT_STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}
