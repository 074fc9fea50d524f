/** The end-of-run summary printed on the terminal, built from a run folder. */
import Table from 'cli-table3';
import { formatMs, formatNumber } from './format.js';
import { docsOf, isObject, num, str, type JsonObject, type RunFolder } from './run-folder.js';
import { describeSaturation } from '../slo/index.js';
import { renderSloTable } from './slo-table.js';

interface Paint {
  heading(text: string): string;
  bad(text: string): string;
  good(text: string): string;
}

const ANSI: Paint = {
  heading: (t) => `\u001b[1m${t}\u001b[22m`,
  bad: (t) => `\u001b[31m${t}\u001b[39m`,
  good: (t) => `\u001b[32m${t}\u001b[39m`,
};
const PLAIN: Paint = { heading: (t) => t, bad: (t) => t, good: (t) => t };

function table(head: string[], rows: Array<Array<string | number>>, rightFrom: number): string {
  const t = new Table({ head, style: { head: [], border: [] }, colAligns: head.map((_, i) => (i >= rightFrom ? 'right' : 'left')) });
  for (const row of rows) t.push(row);
  return t.toString();
}

function configuredQps(jobConfig: JsonObject): string {
  const qps = num(jobConfig.qps);
  return Number.isFinite(qps) && qps > 0 ? formatNumber(qps) : 'unlimited';
}

function jobsSection(folder: RunFolder, paint: Paint): string {
  if (folder.jobs.length === 0) return 'no job summary (the run ended before its first job finished)';
  const rows = folder.jobs.map((j) => [
    j.jobName,
    j.objectsCreated,
    formatMs(j.elapsedTime * 1000),
    formatNumber(j.achievedQps),
    configuredQps(j.jobConfig),
    j.requests,
    j.passed ? paint.good('passed') : paint.bad('FAILED'),
    j.executionErrors || '-',
  ]);
  return table(['job', 'objects', 'elapsed', 'achieved qps', 'qps', 'requests', 'result', 'errors'], rows, 1);
}

const CLOCK_NOTE: Record<string, string> = {
  'server-s': 'server, 1 s',
  'watch-ms': 'watch, ms',
};

function podLatencySection(folder: RunFolder): string {
  const docs = [
    ...docsOf(folder, 'podLatencyQuantilesMeasurement'),
    ...docsOf(folder, 'podLatencyWatchQuantilesMeasurement'),
    ...docsOf(folder, 'podStartupLatencyMeasurement'),
  ];
  if (docs.length === 0) return 'no pod latency measured (add the podLatency measurement to the config)';
  const rows = docs.map((d) => [
    str(d.jobName),
    str(d.quantileName),
    CLOCK_NOTE[str(d.clock)] ?? str(d.clock, 'server, 1 s'),
    formatMs(num(d.P50)),
    formatMs(num(d.P95)),
    formatMs(num(d.P99)),
    formatMs(num(d.max)),
    num(d.count, NaN) >= 0 ? String(d.count) : '-',
  ]);
  return table(['job', 'condition', 'clock', 'P50', 'P95', 'P99', 'max', 'pods'], rows, 3);
}

function errorCount(errors: unknown): number {
  if (!isObject(errors)) return 0;
  return Object.values(errors).reduce<number>((sum, n) => sum + num(n, 0), 0);
}

export function apiKeyLabel(doc: JsonObject): string {
  const sub = str(doc.subresource);
  return `${str(doc.verb)} ${str(doc.resource)}${sub ? `/${sub}` : ''} (${str(doc.scope)})`;
}

function apiLatencySection(folder: RunFolder): string {
  const docs = [...docsOf(folder, 'apiLatencyMeasurement')].sort((a, b) => num(b.P99, 0) - num(a.P99, 0));
  if (docs.length === 0) return 'no API latency measured (add the apiLatency measurement to the config)';
  const rows = docs.map((d) => [str(d.jobName), str(d.verb), `${str(d.resource)}${str(d.subresource) ? `/${str(d.subresource)}` : ''}`, str(d.scope), num(d.count, 0), formatMs(num(d.P50)), formatMs(num(d.P90)), formatMs(num(d.P99)), errorCount(d.errors)]);
  return table(['job', 'verb', 'resource', 'scope', 'calls', 'P50', 'P90', 'P99', 'errors'], rows, 4);
}

/** Colours pass/FAIL cells of the SLO table after cli-table3 laid it out (escape codes take no width). */
function paintVerdicts(text: string, paint: Paint): string {
  return text.replace(/\bFAIL\b/g, (m) => paint.bad(m)).replace(/(?<=│ )pass\b|(?<=\| )pass\b/g, (m) => paint.good(m));
}

function headline(folder: RunFolder, paint: Paint): string {
  const { meta } = folder;
  const c = meta.cluster;
  const target = c.target === 'sim' ? 'simulated cluster' : (c.server ?? 'cluster');
  const reason = meta.reason === 'completed' ? paint.good(meta.reason) : paint.bad(meta.reason);
  return `run ${meta.uuid}: ${reason}; ${target}, Kubernetes ${c.k8sVersion ?? '?'}, ${c.totalNodes ?? '?'} nodes; ${meta.start} -> ${meta.end}; burn ${meta.burnVersion}`;
}

/** The summary text: jobs, pod latency quantiles, API latency by verb and resource, SLO verdicts. */
export function renderSummary(folder: RunFolder, options: { color: boolean }): string {
  const paint = options.color ? ANSI : PLAIN;
  const saturated = folder.saturation.filter((s) => s.saturated).map((s) => paint.bad(describeSaturation(s)));
  const parts = [
    ...saturated,
    headline(folder, paint),
    `${paint.heading('Jobs')}\n${jobsSection(folder, paint)}`,
    `${paint.heading('Pod latency')} (creation -> condition)\n${podLatencySection(folder)}`,
    `${paint.heading('API latency')} (client side, by verb and resource)\n${apiLatencySection(folder)}`,
    `${paint.heading('SLOs')}\n${paintVerdicts(renderSloTable(folder.verdicts).trimEnd(), paint)}`,
  ];
  if (folder.meta.errors.length) parts.push(`${paint.heading('Errors')}\n${folder.meta.errors.map((e) => `  ${paint.bad(e)}`).join('\n')}`);
  if (folder.meta.explanations.length) parts.push(`${paint.heading('Why pods are not ready')}\n${folder.meta.explanations.map((e) => `  ${e}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}
