/** `burn history` output: a terminal table, Markdown, or JSON. */
import { formatPercent } from '../format.js';
import { formatValue, TABLE_WIDTH } from '../diff/render.js';
import { textTable } from '../text-table.js';
import { renderHistoryHtml } from './html.js';
import { headerLines, shortUuid, verdictLines } from './lines.js';
import type { HistoryReport, MetricHistory, SeriesChangePoint } from './index.js';

export type HistoryFormat = 'table' | 'markdown' | 'json' | 'html';
export const HISTORY_FORMATS: HistoryFormat[] = ['table', 'markdown', 'json', 'html'];

const BARS = '▁▂▃▄▅▆▇█';
/** Most points a sparkline shows (the newest ones). */
const SPARK_POINTS = 30;

/** The series as bars scaled between its minimum and maximum; `|` where a change-point begins. */
export function sparkline(metric: MetricHistory): string {
  const start = Math.max(0, metric.points.length - SPARK_POINTS);
  const values = metric.points.slice(start).map((p) => p.value);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const starts = new Set(metric.changePoints.map((c) => c.index));
  return values
    .map((v, i) => {
      const bar = BARS[high === low ? 0 : Math.round(((v - low) / (high - low)) * (BARS.length - 1))]!;
      return starts.has(start + i) ? `|${bar}` : bar;
    })
    .join('');
}

function pText(pValue: number): string {
  return pValue < 0.001 ? 'p<0.001' : `p=${pValue.toFixed(3)}`;
}

function shiftText(metric: MetricHistory, c: SeriesChangePoint): string {
  return `${formatValue(c.before, metric.unit)} -> ${formatValue(c.after, metric.unit)} (${formatPercent(c.changePercent)}, ${pText(c.pValue)})`;
}

/** Change-points grouped by the run where they began, oldest first. */
function byRun(report: HistoryReport): Array<{ change: SeriesChangePoint; start: string; entries: Array<{ metric: MetricHistory; change: SeriesChangePoint }> }> {
  const groups = new Map<string, { change: SeriesChangePoint; start: string; entries: Array<{ metric: MetricHistory; change: SeriesChangePoint }> }>();
  for (const metric of report.metrics) {
    for (const change of metric.changePoints) {
      const group = groups.get(change.dir) ?? { change, start: report.runs.find((r) => r.dir === change.dir)?.start ?? '', entries: [] };
      group.entries.push({ metric, change });
      groups.set(change.dir, group);
    }
  }
  return [...groups.values()].sort((a, b) => a.start.localeCompare(b.start));
}

function changeLines(report: HistoryReport): string[] {
  const groups = byRun(report);
  if (groups.length === 0) return ['change-points: none'];
  const lines = ['change-points, by the run where they began:'];
  for (const { change, start, entries } of groups) {
    const facts = change.factsChanged.length ? `; also changed there: ${change.factsChanged.join(', ')}` : '';
    lines.push(`  run ${shortUuid(change.uuid)} (${start}${facts}): ${entries.length} metric(s)`);
    const rows = entries.map(({ metric, change: c }) => [metric.label, c.worse ? 'worse' : 'better', shiftText(metric, c), metric.notJudged ? `not judged: ${metric.notJudged}` : '']);
    lines.push(textTable(rows, { maxWidth: TABLE_WIDTH, indent: '    ' }));
  }
  return lines;
}

function noiseText(metric: MetricHistory): string {
  return Number.isFinite(metric.noise.madPercent) ? `±${metric.noise.madPercent.toFixed(1)}%` : '-';
}

function renderTable(report: HistoryReport): string {
  const rows = [['metric', 'runs', 'series (oldest -> newest)', 'newest', 'noise', 'change-points']];
  for (const m of report.metrics) {
    const newest = m.points.at(-1)!.value;
    rows.push([m.label, String(m.points.length), sparkline(m), formatValue(newest, m.unit), noiseText(m), m.changePoints.length ? String(m.changePoints.length) : '-']);
  }
  return [...headerLines(report), '', textTable(rows, { right: new Set([1, 3, 4, 5]), maxWidth: TABLE_WIDTH }), '', ...changeLines(report), '', ...verdictLines(report), ''].join('\n');
}

function renderMarkdown(report: HistoryReport): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const lines = [...headerLines(report).map((l) => l.trim()), '', '| metric | runs | series | newest | noise | change-points |', '|---|---:|---|---:|---:|---|'];
  for (const m of report.metrics) {
    const changes = m.changePoints.map((c) => `${c.worse ? 'worse' : 'better'} at ${shortUuid(c.uuid)}: ${shiftText(m, c)}`).join('<br>') || '-';
    lines.push(`| ${cell(m.label)} | ${m.points.length} | \`${cell(sparkline(m))}\` | ${formatValue(m.points.at(-1)!.value, m.unit)} | ${noiseText(m)} | ${cell(changes)} |`);
  }
  return [...lines, '', ...verdictLines(report).map((l) => l.trim()), ''].join('\n');
}

export function renderHistory(report: HistoryReport, format: HistoryFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'html') return renderHistoryHtml(report);
  return format === 'markdown' ? renderMarkdown(report) : renderTable(report);
}
