/**
 * report.html's traffic section: per traffic job, the rate asked for and achieved (sent, succeeded,
 * failed, dropped) and the latency percentiles over the timeline, second by second, and the table
 * of each stage (trafficMeasurement and trafficQuantilesMeasurement documents).
 */
import { formatMs, formatNumber, escapeMarkup as esc } from './format.js';
import { docsOf, isObject, num, str, type JsonObject, type RunFolder } from './run-folder.js';
import { PALETTE, lineChart, type Series } from './svg.js';

const seconds = { label: 'seconds of the timeline (by intended start)', format: (v: number) => `${formatNumber(v, 0)}s`, min: 0 };

function series(docs: JsonObject[], name: string, field: string, color: string, dashed = false): Series {
  return { name, color, dashed, points: docs.map((d): [number, number] => [num(d.second, 0), num(d[field], 0)]) };
}

function failures(d: JsonObject): string {
  const all = [...(isObject(d.failedByStatus) ? Object.entries(d.failedByStatus) : []), ...(isObject(d.failedByError) ? Object.entries(d.failedByError) : [])];
  return all.map(([k, v]) => `${k}: ${String(v)}`).join(', ');
}

function jobSection(job: string, perSecond: JsonObject[], windows: JsonObject[]): string {
  const rate = lineChart({
    title: `${job}: requests per second`,
    x: seconds,
    y: { label: 'requests/s', format: (v) => formatNumber(v, 0), min: 0 },
    series: [
      { ...series(perSecond, 'asked for', 'targetRate', '#9ca3af'), underlay: true },
      series(perSecond, 'sent', 'sent', PALETTE[0]!),
      series(perSecond, 'succeeded', 'succeeded', PALETTE[2]!),
      series(perSecond, 'failed', 'failed', PALETTE[1]!),
      series(perSecond, 'dropped', 'dropped', PALETTE[4]!, true),
    ],
  });
  const answered = perSecond.filter((d) => num(d.succeeded, 0) + num(d.failed, 0) > 0);
  const latency = lineChart({
    title: `${job}: latency from the intended start`,
    x: seconds,
    y: { label: 'latency', format: formatMs, min: 0 },
    series: [series(answered, 'p50', 'P50', PALETTE[2]!), series(answered, 'p90', 'P90', PALETTE[0]!), series(answered, 'p99', 'P99', PALETTE[3]!), series(answered, 'p99.9', 'P99.9', PALETTE[4]!), series(answered, 'max', 'max', PALETTE[1]!, true)],
  });
  const head = ['window', 'sent', 'req/s', 'succeeded', 'failed', 'dropped', 'late', 'p50', 'p90', 'p99', 'p99.9', 'max', 'failures'];
  const rows = windows.map((d) =>
    [str(d.quantileName), String(num(d.sent, 0)), formatNumber(num(d.sentRate, 0), 1), String(num(d.succeeded, 0)), String(num(d.failed, 0)), String(num(d.dropped, 0)), String(num(d.late, 0)), ...['P50', 'P90', 'P99', 'P99.9', 'max'].map((k) => formatMs(num(d[k], 0))), failures(d)].map(esc),
  );
  const table = `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${i > 0 && i < 12 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`;
  return `<h3>${esc(job)}</h3><div class="grid">${rate}\n${latency}</div>${table}`;
}

export function trafficSection(folder: RunFolder): string {
  const perSecond = docsOf(folder, 'trafficMeasurement');
  if (perSecond.length === 0) return '';
  const jobs = [...new Set(perSecond.map((d) => str(d.jobName)))];
  const windows = docsOf(folder, 'trafficQuantilesMeasurement');
  const sections = jobs.map((job) =>
    jobSection(
      job,
      perSecond.filter((d) => str(d.jobName) === job).sort((a, b) => num(a.second, 0) - num(b.second, 0)),
      windows.filter((d) => str(d.jobName) === job),
    ),
  );
  return `<h2>Traffic</h2><p class="meta">Open-model HTTP load: every request has an intended start on the schedule; latency runs from it to the last byte of the answer, so a slow server or a late sender shows here. Dropped: arrivals that found maxInFlight requests in flight. Late: sent more than lateAfter after their intended start.</p>${sections.join('\n')}`;
}
