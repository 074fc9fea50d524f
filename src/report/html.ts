/**
 * report.html: one self-contained page (inline CSS, charts as inline SVG, no script, no network)
 * built from a run folder.
 */
import { formatMs, formatNumber, escapeMarkup as esc } from './format.js';
import { conditionSamples, podDocuments, podTimeline, type ConditionSamples } from './pod-samples.js';
import { docsOf, isObject, num, str, type JsonObject, type RunFolder } from './run-folder.js';
import { describeSaturation, type Verdict } from '../slo/index.js';
import { CLOCK_NAMES, runView, type RunView, type RunWord } from './run-view.js';
import { formatMargin, formatThreshold, formatVerdictValue, resultWord } from './slo-table.js';
import { apiKeyLabel } from './format.js';
import { PALETTE, barChart, downsample, histogramBins, histogramChart, lineChart, type Series } from './svg.js';
import { trafficSection } from './traffic-section.js';
import { hpaSection } from './hpa-section.js';

const MAX_POINTS = 400;
const CLOCK_WORDS: Record<ConditionSamples['clock'], string> = { 'watch-ms': 'watch clock, ms', 'server-s': 'server clock, 1 s precision' };

/** report.html's style sheet; `burn history --format html` uses it too. */
export const REPORT_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1360px;color:#1f2937;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #e5e7eb;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f9fafb}
td.num{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}.inconclusive{color:#b45309;font-weight:600}
.banner{border-radius:6px;padding:12px 16px;margin:8px 0 12px;font-size:16px;border:2px solid}.banner .word{font-size:28px;font-weight:700;margin-right:12px}
.banner.pass{background:#f0fdf4;border-color:#15803d}.banner.fail{background:#fef2f2;border-color:#b91c1c}.banner.inconclusive{background:#fffbeb;border-color:#b45309}.shown{color:#6b7280}
.meta{color:#4b5563}.grid{display:flex;flex-wrap:wrap;gap:12px}.note{color:#6b7280;font-style:italic}
pre{background:#f9fafb;border:1px solid #e5e7eb;padding:8px;overflow:auto;max-height:480px}
svg.chart{background:#fff;border:1px solid #e5e7eb}svg .title{font-weight:600;font-size:13px}svg .tick,svg .legend{font-size:11px;fill:#374151}
svg .label{font-size:11px;fill:#6b7280}svg .grid{stroke:#f3f4f6}svg .axis{stroke:#9ca3af}`;

export function htmlTable(head: string[], rows: string[][], numericFrom = Infinity): string {
  const th = head.length ? `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` : '';
  const body = rows.map((r) => `<tr>${r.map((cell, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table>${th}<tbody>\n${body}\n</tbody></table>`;
}

const WORD_CLASS: Record<RunWord, string> = { PASS: 'pass', FAIL: 'fail', INCONCLUSIVE: 'inconclusive' };

/** What a reader needs in ten seconds: the verdict, the failed SLOs with their margins, burn's saturation, the alerts. */
function bannerSection(folder: RunFolder, view: RunView): string {
  const { meta } = folder;
  const because = view.because.length ? view.because.join('; ') : 'every graded SLO passed, no alert of severity error';
  const head = `<div class="banner ${WORD_CLASS[view.word]}"><span class="word">${view.word}</span> <span>${esc(because)}</span><div class="meta">run ${esc(meta.uuid)}, ${esc(meta.reason)}</div></div>`;
  const judged = [...view.failed, ...view.inconclusive];
  const failed = judged.length
    ? `<h3>Failed SLOs</h3>${htmlTable(['SLO', 'key', 'value', 'threshold', 'margin', 'result', 'samples'], judged.map((v) => [esc(v.slo), esc(v.key), esc(formatVerdictValue(v)), esc(formatThreshold(v)), esc(formatMargin(v)), `<span class="${v.state === 'fail' ? 'fail' : 'inconclusive'}">${esc(resultWord(v))}</span>`, String(v.samples)]), 2)}<ul>${judged.map((v) => `<li>${esc(v.message)}</li>`).join('')}</ul>`
    : '';
  const saturation = view.saturation.length
    ? `<h3>burn's saturation</h3><ul>${view.saturation.map((s) => `<li class="${s.saturated ? 'inconclusive' : ''}">${esc(describeSaturation(s))}</li>`).join('')}</ul>`
    : '<h3>burn\'s saturation</h3><p class="note">Not measured (no saturation measurement in this run).</p>';
  const alerts = view.alerts.length
    ? `<h3>Alerts fired</h3>${htmlTable(['severity', 'job', 'first', 'last', 'message'], view.alerts.map((a) => [`<span class="${a.severity === 'error' || a.severity === 'critical' ? 'fail' : 'inconclusive'}">${esc(a.severity)}</span>`, esc(a.job), esc(new Date(a.firstMs).toISOString()), esc(new Date(a.lastMs).toISOString()), esc(a.message || a.description)]))}`
    : '<h3>Alerts fired</h3><p class="note">None.</p>';
  return `<h1>burn run ${esc(meta.uuid)}</h1>\n${head}${failed}${saturation}${alerts}`;
}

function factsSection(folder: RunFolder): string {
  const { meta } = folder;
  const c = meta.cluster;
  const facts = [
    ['target', esc(c.target === 'sim' ? `simulated cluster${c.simProfile ? `, profile ${c.simProfile}` : ''}` : `real cluster ${c.server}`)],
    ['Kubernetes', esc(`${c.k8sVersion}, ${c.totalNodes} nodes`)],
    ['start / end', esc(`${meta.start} / ${meta.end}`)],
    ['config', esc(`${meta.configFile}${meta.configDigest ? ` (sha256 ${meta.configDigest})` : ''}`)],
    ['burn', esc(meta.burnVersion)],
    ['grading exit code', String(meta.gradingExitCode)],
    ['left on the cluster', esc(meta.created || '-')],
  ];
  const errors = meta.errors.length ? `<h3>Errors</h3><ul>${meta.errors.map((e) => `<li class="fail">${esc(e)}</li>`).join('')}</ul>` : '';
  const explanations = meta.jobs.flatMap((j) => j.explanations.map((e) => `${j.name}: ${e}`));
  const why = explanations.length ? `<h3>Why objects are not ready</h3><ul>${explanations.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '';
  return `<h2>Run</h2>${htmlTable([], facts)}${errors}${why}`;
}

function jobsSection(folder: RunFolder): string {
  if (folder.jobs.length === 0) return '<h2>Jobs</h2><p class="note">No job summary: the run ended before its first job finished.</p>';
  const rows = folder.jobs.map((j) => [
    esc(j.jobName),
    String(j.objectsCreated),
    esc(formatMs(j.elapsedTime * 1000)),
    esc(formatNumber(j.achievedQps)),
    esc(num(j.jobConfig.qps) > 0 ? formatNumber(num(j.jobConfig.qps)) : 'unlimited'),
    String(j.requests),
    j.passed ? '<span class="pass">passed</span>' : '<span class="fail">failed</span>',
    esc(j.executionErrors || '-'),
  ]);
  return `<h2>Jobs</h2>${htmlTable(['job', 'objects', 'elapsed', 'achieved qps', 'configured qps', 'requests', 'result', 'errors'], rows, 1)}`;
}

/** Whole ms ticks read as duplicates on a narrow range (30ms, 30ms, 31ms): one decimal there. */
function formatTickMs(v: number): string {
  return Math.abs(v) < 100 && !Number.isInteger(v) ? `${v.toFixed(1)}ms` : formatMs(v);
}

const msAxis = (label: string) => ({ label, format: formatTickMs, min: 0 });

/** The empirical CDF as (latency, fraction) points, at most MAX_POINTS of them. */
function cdfPoints(values: number[]): Array<[number, number]> {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return downsample(sorted.map((v, i): [number, number] => [v, (i + 1) / n]), MAX_POINTS);
}

function podLatencyCharts(folder: RunFolder, jobName: string): string {
  const samples = conditionSamples(podDocuments(folder, jobName));
  if (samples.length === 0) return '';
  const cdf = lineChart({
    title: `${jobName}: pod latency CDF per condition`,
    x: msAxis('latency since creation'),
    y: { label: 'fraction of pods', format: (v) => `${Math.round(v * 100)}%`, min: 0, max: 1 },
    series: samples.map((s, i) => ({ name: s.condition, points: cdfPoints(s.values), color: PALETTE[i % PALETTE.length]! })),
  });
  const histograms = samples.map((s, i) =>
    histogramChart({
      title: `${jobName}: ${s.condition} (${CLOCK_WORDS[s.clock]}, ${s.values.length} pods)`,
      x: msAxis('latency since creation'),
      y: { label: 'pods', format: (v) => formatNumber(v, 0) },
      bins: histogramBins(s.values),
      color: PALETTE[i % PALETTE.length]!,
    }),
  );
  const clocks = [...new Set(samples.map((s) => CLOCK_WORDS[s.clock]))].join('; ');
  return `<h3>${esc(jobName)}</h3><p class="meta">Latencies from each pod's creation, ${esc(clocks)}.</p><div class="grid">${cdf}\n${histograms.join('\n')}</div>`;
}

/** Cumulative count over seconds since `t0`, as step points. */
function cumulative(times: number[], t0: number): Array<[number, number]> {
  return downsample(times.map((t, i): [number, number] => [(t - t0) / 1000, i + 1]), MAX_POINTS);
}

function podTimelineChart(folder: RunFolder, jobName: string): string {
  const timeline = podTimeline(podDocuments(folder, jobName));
  if (timeline.created.length === 0) return '';
  const t0 = timeline.created[0]!;
  const end = Math.max(timeline.created.at(-1)!, timeline.scheduled.at(-1) ?? t0, timeline.ready.at(-1) ?? t0);
  const series: Series[] = [
    { name: 'created', points: cumulative(timeline.created, t0), color: PALETTE[0]!, underlay: true },
    { name: 'scheduled', points: cumulative(timeline.scheduled, t0), color: PALETTE[3]! },
    { name: 'ready', points: cumulative(timeline.ready, t0), color: PALETTE[2]! },
  ];
  const qps = num(folder.jobs.find((j) => j.jobName === jobName)?.jobConfig.qps);
  if (qps > 0) {
    const total = timeline.created.length;
    const reachAt = Math.min((end - t0) / 1000, total / qps);
    series.push({ name: `configured qps ${formatNumber(qps)}/s`, points: [[0, 0], [reachAt, qps * reachAt], [(end - t0) / 1000, qps * reachAt]], color: '#6b7280', dashed: true });
  }
  return lineChart({
    title: `${jobName}: pods created, scheduled and ready`,
    x: { label: 'seconds since the first pod was created (server timestamps, 1 s precision)', format: (v) => `${formatNumber(v, 1)}s`, min: 0 },
    y: { label: 'pods', format: (v) => formatNumber(v, 0), min: 0 },
    series,
  });
}

function podSection(folder: RunFolder): string {
  const jobs = folder.jobs.map((j) => j.jobName).filter((name) => podDocuments(folder, name).length > 0);
  if (jobs.length === 0) return '<h2>Pod startup latency</h2><p class="note">No per-pod documents (podLatencyMeasurement): add the podLatency measurement to the config.</p>';
  const latency = jobs.map((job) => podLatencyCharts(folder, job)).join('\n');
  const timelines = jobs.map((job) => podTimelineChart(folder, job)).join('\n');
  return `<h2>Pod startup latency</h2>${latency}\n<h2>Pods over time</h2><div class="grid">${timelines}</div>`;
}

/** apiLatency documents' 10 s series: p99 per verb over time, the worst resource per bucket (client side). */
function clientLatencyOverTime(folder: RunFolder): string {
  const byVerb = new Map<string, Map<number, number>>();
  for (const d of docsOf(folder, 'apiLatencyMeasurement')) {
    const verb = str(d.verb);
    if (!verb || verb === 'WATCH' || !Array.isArray(d.series)) continue;
    const points = byVerb.get(verb) ?? new Map<number, number>();
    byVerb.set(verb, points);
    for (const bucket of d.series) {
      if (!isObject(bucket)) continue;
      const at = Date.parse(str(bucket.t));
      const p99 = num(bucket.p99);
      if (Number.isNaN(at) || !Number.isFinite(p99)) continue;
      points.set(at, Math.max(points.get(at) ?? -Infinity, p99));
    }
  }
  const verbs = [...byVerb].filter(([, points]) => points.size > 0);
  if (verbs.length === 0) return '';
  const t0 = Math.min(...verbs.flatMap(([, m]) => [...m.keys()]));
  const series = verbs.map(([verb, points], i): Series => ({
    name: verb,
    points: downsample([...points].sort((a, b) => a[0] - b[0]).map(([t, v]): [number, number] => [(t - t0) / 1000, v]), MAX_POINTS),
    color: PALETTE[i % PALETTE.length]!,
  }));
  return lineChart({ title: 'API call p99 per verb over time (client side, 10 s buckets, worst resource)', x: { label: 'seconds since the first call', format: (v) => `${formatNumber(v, 0)}s`, min: 0 }, y: msAxis('latency'), series });
}

/** Prometheus metric documents of a latency per verb (e.g. kube-burner's API99thLatency), values in seconds. */
function apiLatencyOverTime(folder: RunFolder): string {
  const charts: string[] = [];
  for (const [metricName, docs] of folder.documents) {
    if (!/latency/i.test(metricName)) continue;
    const byVerb = new Map<string, Map<number, number>>();
    for (const d of docs) {
      const verb = isObject(d.labels) ? str(d.labels.verb) : '';
      const at = Date.parse(str(d.timestamp));
      const value = num(d.value);
      if (!verb || Number.isNaN(at) || !Number.isFinite(value)) continue;
      const points = byVerb.get(verb) ?? new Map<number, number>();
      byVerb.set(verb, points);
      points.set(at, Math.max(points.get(at) ?? -Infinity, value * 1000));
    }
    if (byVerb.size === 0) continue;
    const t0 = Math.min(...[...byVerb.values()].flatMap((m) => [...m.keys()]));
    const series = [...byVerb].map(([verb, points], i): Series => ({
      name: verb,
      points: downsample([...points].sort((a, b) => a[0] - b[0]).map(([t, v]): [number, number] => [(t - t0) / 1000, v]), MAX_POINTS),
      color: PALETTE[i % PALETTE.length]!,
    }));
    charts.push(lineChart({ title: `${metricName} per verb (Prometheus, worst resource per step)`, x: { label: 'seconds since the window start', format: (v) => `${formatNumber(v, 0)}s`, min: 0 }, y: msAxis('latency'), series }));
  }
  return charts.join('\n');
}

function apiSection(folder: RunFolder): string {
  const docs = docsOf(folder, 'apiLatencyMeasurement').filter((d) => num(d.count, 0) > 0);
  const multiJob = new Set(docs.map((d) => d.jobName)).size > 1;
  const bars = [...docs]
    .sort((a, b) => num(b.P99, 0) - num(a.P99, 0))
    .slice(0, 40)
    .map((d) => ({ label: `${multiJob ? `${str(d.jobName)}: ` : ''}${apiKeyLabel(d)}`, value: num(d.P99, 0) }));
  const p99 = bars.length ? barChart({ title: 'API call p99 per verb and resource (client side, ms)', bars, format: formatMs, color: PALETTE[0]! }) : '<p class="note">No apiLatency documents: add the apiLatency measurement to the config.</p>';
  const overTime = [clientLatencyOverTime(folder), apiLatencyOverTime(folder)].filter(Boolean).join('\n');
  const noSeries = overTime ? '' : '<p class="note">API latency over time: not drawn. No apiLatency series and no Prometheus latency metric (labels.verb, timestamp, value) were collected.</p>';
  return `<h2>API latency</h2><div class="grid">${p99}\n${overTime}</div>${noSeries}`;
}

const STATE_CLASS: Record<Verdict['state'], string> = { pass: 'pass', fail: 'fail', inconclusive: 'inconclusive' };

function verdictRow(v: Verdict): string[] {
  const result = `<span class="${v.binding ? STATE_CLASS[v.state] : 'shown'}">${esc(resultWord(v))}</span>`;
  return [esc(v.slo), esc(v.key), esc(v.source), esc(formatVerdictValue(v)), esc(formatThreshold(v)), esc(formatMargin(v)), result, String(v.samples), esc(v.message)];
}

function sloSection(folder: RunFolder): string {
  if (folder.verdicts.length === 0) return '<h2>SLO verdicts</h2><p class="note">Nothing to grade: no measurement produced an SLI.</p>';
  return `<h2>SLO verdicts</h2>${htmlTable(['SLO', 'key', 'source', 'value', 'threshold', 'margin', 'result', 'samples', 'message'], folder.verdicts.map(verdictRow))}`;
}

/** Every measurement's series as a table: per clock the quantiles and the sample count, so any measurement shows up here. */
function measurementsSection(view: RunView): string {
  const tables = view.measurements
    .filter((m) => m.rows.length > 0)
    .map((m) => {
      const head = ['job', 'series', ...m.clocks.flatMap((c) => [`P50 (${CLOCK_NAMES[c]})`, 'P95', 'P99', 'max', 'samples'])];
      const rows = m.rows.map((r) => [
        esc(r.job),
        esc(r.name),
        ...m.clocks.flatMap((c) => {
          const q = r.byClock.get(c);
          if (!q) return ['-', '-', '-', '-', '-'];
          const p99 = Number.isFinite(q.p99) ? `${q.p99IsMax ? 'max ' : ''}${formatMs(q.p99)}` : 'never';
          return [esc(formatMs(q.p50)), esc(formatMs(q.p95)), esc(p99), esc(formatMs(q.max)), String(q.count)];
        }),
      ]);
      const notes = [...m.errors.map((e) => `<li class="fail">${esc(e)}</li>`), ...m.warnings.map((w) => `<li>${esc(w)}</li>`)].join('');
      return `<h3>${esc(m.name)}</h3>${htmlTable(head, rows, 2)}${notes ? `<ul>${notes}</ul>` : ''}`;
    });
  if (tables.length === 0) return '';
  return `<h2>Measurements</h2><p class="meta">Every measurement's series, per clock. A P99 over fewer than 100 samples is their maximum, shown as "max".</p>${tables.join('\n')}`;
}

function configSection(folder: RunFolder): string {
  const config: JsonObject = { ...folder.meta.config, jobs: folder.jobs.map((j) => j.jobConfig) };
  return `<h2>Config</h2><p class="meta">${esc(folder.meta.configFile)}, as run (global settings and each job's configuration).</p><pre>${esc(JSON.stringify(config, null, 2))}</pre>`;
}

export function renderHtml(folder: RunFolder): string {
  const view = runView(folder);
  const body = [bannerSection(folder, view), trafficSection(folder), hpaSection(folder), podSection(folder), apiSection(folder), factsSection(folder), jobsSection(folder), measurementsSection(view), sloSection(folder), configSection(folder)].join('\n');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>burn run ${esc(folder.meta.uuid)}</title><style>${REPORT_STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}
