/**
 * The end-of-run summary printed on the terminal, built from a run folder. By default it is short
 * enough to read at a glance (a quickstart run fits in 40 lines): the verdict first, jobs, the
 * failed, inconclusive and near SLOs, each measurement's series (one row per series, its clocks
 * as columns, the longest tables cut to their slowest rows), alerts, errors. `full` shows
 * everything: every verdict, every row, every explanation.
 */
import { formatMs } from '../shared/format-ms.js';
import { describeSaturation, type Verdict } from '../slo/index.js';
import type { QuantileSummary } from '../measure/index.js';
import { formatNumber } from './format.js';
import { docsOf, isObject, num, str, type RunFolder } from './run-folder.js';
import { CLOCK_NAMES, runView, worstP99, type MeasurementView, type RunView } from './run-view.js';
import { formatMargin, formatThreshold, formatVerdictValue, renderSloTable, resultWord, verdictSummary } from './slo-table.js';
import { textTable } from './text-table.js';

export type SummaryDetail = 'short' | 'full';

export interface SummaryOptions {
  color: boolean;
  /** short (default): at a glance; full: everything in the folder. */
  detail?: SummaryDetail;
}

interface Paint {
  heading(text: string): string;
  bad(text: string): string;
  good(text: string): string;
  warn(text: string): string;
}

const ANSI: Paint = {
  heading: (t) => `\u001b[1m${t}\u001b[22m`,
  bad: (t) => `\u001b[31m${t}\u001b[39m`,
  good: (t) => `\u001b[32m${t}\u001b[39m`,
  warn: (t) => `\u001b[33m${t}\u001b[39m`,
};
const PLAIN: Paint = { heading: (t) => t, bad: (t) => t, good: (t) => t, warn: (t) => t };

/** Rows of a measurement's table in the short summary; the rest are counted, shown in full. */
const SHORT_ROWS = 7;
/** Explanations, errors and warnings in the short summary. */
const SHORT_LINES = 4;

function duration(folder: RunFolder): string {
  const ms = Date.parse(folder.meta.end) - Date.parse(folder.meta.start);
  return Number.isFinite(ms) ? formatMs(ms) : '?';
}

function verdictLine(folder: RunFolder, view: RunView, paint: Paint): string {
  const { meta } = folder;
  const c = meta.cluster;
  const word = view.word === 'PASS' ? paint.good(view.word) : view.word === 'FAIL' ? paint.bad(view.word) : paint.warn(view.word);
  const target = c.target === 'sim' ? `simulated cluster${c.simProfile && c.simProfile !== 'default' ? ` (${c.simProfile})` : ''}` : c.server || 'cluster';
  const because = view.because.length ? ` (${view.because.join('; ')})` : '';
  return `${word}${because}: run ${meta.uuid} ${meta.reason} in ${duration(folder)}; ${target}, Kubernetes ${c.k8sVersion}, ${c.totalNodes} nodes; burn ${meta.burnVersion}`;
}

function jobsSection(folder: RunFolder, paint: Paint): string {
  if (folder.meta.jobs.length === 0) return 'Jobs: none ran (the run ended before its first job)';
  const rows = folder.meta.jobs.map((j) => {
    const qps = num(j.jobConfig.qps);
    const elapsed = Date.parse(j.end) - Date.parse(j.start);
    return [
      j.name,
      j.jobType,
      j.alreadyExists ? `${j.objectsCreated} ${paint.bad(`(${j.alreadyExists} already existed)`)}` : String(j.objectsCreated),
      formatMs(elapsed),
      `${formatNumber(j.achievedQps)} / ${Number.isFinite(qps) && qps > 0 ? formatNumber(qps) : 'unlimited'}`,
      String(j.requests),
      j.errors.length ? String(j.errors.length) : '-',
      j.passed ? paint.good('passed') : paint.bad('FAILED'),
    ];
  });
  return `${paint.heading('Jobs')}\n${textTable([['job', 'type', 'objects', 'elapsed', 'qps achieved / set', 'requests', 'errors', 'result'], ...rows], { right: new Set([2, 3, 4, 5, 6]), indent: '  ' })}`;
}

function verdictRows(verdicts: Verdict[]): string[][] {
  return verdicts.map((v) => [v.slo, v.key, v.source, formatVerdictValue(v), formatThreshold(v), formatMargin(v), resultWord(v), String(v.samples)]);
}

/** Short: the verdict line and the failed, inconclusive and near verdicts; full: the whole table. */
function sloSection(folder: RunFolder, view: RunView, detail: SummaryDetail, paint: Paint): string {
  if (detail === 'full') return `${paint.heading('SLOs')}\n${paintWords(renderSloTable(folder.verdicts).trimEnd(), paint)}`;
  if (folder.verdicts.length === 0) return `${paint.heading('SLOs')}: nothing to grade (no measurement produced an SLI)`;
  const shown = [...view.failed, ...view.inconclusive, ...view.near];
  const table = shown.length ? `\n${textTable([['SLO', 'key', 'source', 'value', 'threshold', 'margin', 'result', 'samples'], ...verdictRows(shown)], { right: new Set([3, 4, 5, 7]), indent: '  ' })}` : '';
  const near = view.near.length ? `\n  near: within ${Math.round(20)}% of the threshold` : '';
  return paintWords(`${verdictSummary(folder.verdicts)}${table}${near}`, paint).replace(/^SLOs/, paint.heading('SLOs'));
}

function paintWords(text: string, paint: Paint): string {
  return text.replace(/\bFAIL\b/g, (m) => paint.bad(m)).replace(/\bINCONCLUSIVE\b/g, (m) => paint.warn(m));
}

/** "1.20s", "max 850ms" (fewer than 100 samples), "-" when the series has no figure on this clock. */
function p99Cell(q: QuantileSummary | undefined): string {
  if (!q) return '-';
  if (!Number.isFinite(q.p99)) return 'never';
  return `${q.p99IsMax ? 'max ' : ''}${formatMs(q.p99)}`;
}

/**
 * One measurement: a row per series (per job when several ran it), per clock P50, P99 and the
 * sample count. Cut to its slowest rows in the short summary.
 */
function measurementSection(m: MeasurementView, detail: SummaryDetail, multiJob: boolean, paint: Paint): string {
  const ranked = detail === 'short' && m.rows.length > SHORT_ROWS ? [...m.rows].sort((a, b) => worstP99(b) - worstP99(a)).slice(0, SHORT_ROWS) : m.rows;
  const head = [...(multiJob ? ['job'] : []), 'series', ...m.clocks.flatMap((c) => [`P50 ${CLOCK_NAMES[c]}`, 'P99', 'n'])];
  const rows = ranked.map((r) => [
    ...(multiJob ? [r.job] : []),
    r.name,
    ...m.clocks.flatMap((c) => {
      const q = r.byClock.get(c);
      return [q ? formatMs(q.p50) : '-', p99Cell(q), q ? String(q.count) : '-'];
    }),
  ]);
  const first = multiJob ? 2 : 1;
  const right = new Set(head.map((_, i) => i).filter((i) => i >= first));
  const cut = ranked.length < m.rows.length ? `\n  ... ${m.rows.length - ranked.length} more (the slowest ${ranked.length} shown)` : '';
  const invalid = m.invalid && m.invalid.count > 0 ? `; ${m.invalid.count} of ${m.invalid.total} samples invalid` : '';
  const jobs = multiJob ? '' : ` (${m.rows[0]!.job})`;
  return `${paint.heading(m.name)}${jobs}${invalid}\n${textTable([head, ...rows], { right, indent: '  ' })}${cut}`;
}

function measurementsSections(view: RunView, detail: SummaryDetail, paint: Paint): string[] {
  return view.measurements
    .filter((m) => m.rows.length > 0)
    .map((m) => measurementSection(m, detail, new Set(m.rows.map((r) => r.job)).size > 1, paint));
}

function lines(title: string, items: string[], detail: SummaryDetail, paint: Paint, color: (t: string) => string = (t) => t): string | undefined {
  if (items.length === 0) return undefined;
  const shown = detail === 'short' ? items.slice(0, SHORT_LINES) : items;
  const more = shown.length < items.length ? [`  ... ${items.length - shown.length} more`] : [];
  return [paint.heading(title), ...shown.map((i) => `  ${color(i)}`), ...more].join('\n');
}

/** Each traffic job in one line (each stage too in the full summary): what was sent, answered, dropped, and the latency. */
function trafficLines(folder: RunFolder, detail: SummaryDetail): string[] {
  const windows = docsOf(folder, 'trafficQuantilesMeasurement').filter((d) => detail === 'full' || str(d.quantileName) === 'total');
  return windows.map((d) => {
    const failures = [...Object.entries(isObject(d.failedByStatus) ? d.failedByStatus : {}), ...Object.entries(isObject(d.failedByError) ? d.failedByError : {})].map(([k, v]) => `${k}: ${String(v)}`);
    const figures = ['P50', 'P90', 'P99', 'P99.9', 'max'].map((k) => `${k === 'max' ? 'max' : k.toLowerCase()} ${formatMs(num(d[k], 0))}`).join(' ');
    return `${str(d.jobName)} ${str(d.quantileName)}: ${num(d.sent, 0)} sent (${num(d.sentRate, 0).toFixed(1)}${d.targetRate === undefined ? '' : ` of ${num(d.targetRate, 0).toFixed(1)}`} req/s), ${num(d.succeeded, 0)} succeeded, ${num(d.failed, 0)} failed${failures.length ? ` (${failures.join(', ')})` : ''}, ${num(d.dropped, 0)} dropped, ${num(d.late, 0)} late; ${figures}`;
  });
}

function alertLines(view: RunView): string[] {
  return view.alerts.map((a) => `${a.severity.toUpperCase()} ${a.message || a.description} (job ${a.job}, ${new Date(a.firstMs).toISOString()} .. ${new Date(a.lastMs).toISOString()})`);
}

/** The summary text; the verdict and, when burn or the simulator was saturated, that first. */
export function renderSummary(folder: RunFolder, options: SummaryOptions): string {
  const paint = options.color ? ANSI : PLAIN;
  const detail = options.detail ?? 'short';
  const view = runView(folder);
  const saturated = view.saturation.filter((s) => s.saturated).map((s) => paint.warn(`WARNING: ${describeSaturation(s)}; figures on its clock are unreliable`));
  const calm = detail === 'full' ? view.saturation.filter((s) => !s.saturated).map((s) => describeSaturation(s)) : [];
  const explanations = folder.meta.jobs.flatMap((j) => j.explanations.map((e) => `${j.name}: ${e}`));
  const measurementNotes = view.measurements.flatMap((m) => [...m.errors, ...(detail === 'full' ? m.warnings : [])].map((e) => `${m.name} ${e}`));
  const parts = [
    [...saturated, verdictLine(folder, view, paint), ...calm].join('\n'),
    jobsSection(folder, paint),
    sloSection(folder, view, detail, paint),
    lines('Traffic (latency from the intended start)', trafficLines(folder, detail), detail, paint),
    ...measurementsSections(view, detail, paint),
    lines('Alerts fired', alertLines(view), detail, paint, (t) => (/^(ERROR|CRITICAL)/.test(t) ? paint.bad(t) : paint.warn(t))),
    lines('Errors', folder.meta.errors, detail, paint, paint.bad),
    lines('Why objects are not ready', explanations, detail, paint),
    lines('Measurement notes', measurementNotes, detail, paint),
  ].filter((p): p is string => p !== undefined);
  if (detail === 'short') parts.push(`full summary: burn report ${folder.dir} --summary full; report.html has the charts`);
  return `${parts.join('\n\n')}\n`;
}
