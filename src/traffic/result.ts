/**
 * A traffic job's summary as a measurement result: kube-burner style documents (per second, per
 * stage and in all, plus the histograms themselves so runs can be merged again), the latency
 * series for the reports, and the job's thresholds graded like the SLOs. When the sender could not
 * keep to the schedule, the figures are burn's as much as the server's: the result says so and
 * makes its verdicts inconclusive rather than failed.
 */
import type { TrafficSpec, TrafficThreshold } from '../config/index.js';
import type { MeasurementResult, QuantileSummary, ThresholdResult } from '../measure/index.js';
import { decodeHistogram, latencyFigures, type LatencyFigures } from './histogram.js';
import { arrivalsBefore, totalArrivals } from './schedule.js';
import type { TrafficCounts, TrafficSummary, TrafficWindow } from './summary.js';

export const TRAFFIC_MEASUREMENT = 'traffic';
/** Share of requests that may leave later than lateAfter before the sender counts as the bottleneck. */
export const LATE_SHARE_LIMIT = 0.01;

export interface TrafficMeta {
  uuid: string;
  jobName: string;
}

function figuresOf(w: TrafficWindow): LatencyFigures {
  return latencyFigures(decodeHistogram(w.latency));
}

function ms(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function figureFields(f: LatencyFigures): Record<string, number> {
  return { P50: ms(f.p50), P90: ms(f.p90), P95: ms(f.p95), P99: ms(f.p99), 'P99.9': ms(f['p99.9']), min: ms(f.min), max: ms(f.max), avg: ms(f.avg) };
}

function countFields(c: TrafficCounts): Record<string, unknown> {
  return { planned: c.planned, sent: c.sent, succeeded: c.succeeded, failed: c.failed, dropped: c.dropped, late: c.late, failedByStatus: c.byStatus, failedByError: c.byError };
}

/** Failures (answers >= 400 and errors) over the arrivals sent, in percent. */
export function errorPercent(c: TrafficCounts): number {
  return c.sent ? (100 * c.failed) / c.sent : 0;
}

export function droppedPercent(c: TrafficCounts): number {
  return c.planned ? (100 * c.dropped) / c.planned : 0;
}

/**
 * The rate achieved, the way k6 counts it: requests sent over the time the schedule gave them (the
 * timeline), or over the time sending really took when the last one left after the timeline's end.
 */
export function achievedRate(s: TrafficSummary): number {
  const spanMs = Math.max(s.timelineMs, s.sendSpanMs);
  return spanMs > 0 ? (1000 * s.total.counts.sent) / spanMs : 0;
}

/** The rate the schedule asked of these agents: the arrivals that came due over the timeline. */
export function targetRate(s: TrafficSummary): number {
  return s.timelineMs > 0 ? (1000 * s.total.counts.planned) / s.timelineMs : 0;
}

export interface SenderVerdict {
  /** At most LATE_SHARE_LIMIT of the requests left later than lateAfter: the load was the one asked for. */
  keptUp: boolean;
  latePercent: number;
  lagP50Ms: number;
  lagP99Ms: number;
  /** How late requests left, at each quantile (ms). */
  lag: LatencyFigures;
  achievedRate: number;
  targetRate: number;
  message: string;
}

/** Whether burn's own loop kept to the schedule (a late request is burn's delay, not the server's), and how it shows. */
export function senderVerdict(s: TrafficSummary, spec: Pick<TrafficSpec, 'lateAfterMs'>): SenderVerdict {
  const c = s.total.counts;
  const latePercent = c.sent ? (100 * c.late) / c.sent : 0;
  const lag = latencyFigures(decodeHistogram(s.sendLag));
  const keptUp = latePercent <= 100 * LATE_SHARE_LIMIT;
  const achieved = achievedRate(s);
  const target = targetRate(s);
  const rates = `${achieved.toFixed(1)} of ${target.toFixed(1)} req/s sent`;
  const lags = `send lag p50 ${lag.p50.toFixed(2)}ms p99 ${lag.p99.toFixed(2)}ms`;
  const message = keptUp
    ? `the sender kept to the schedule: ${rates}, ${latePercent.toFixed(2)}% of requests left more than ${spec.lateAfterMs}ms late (${lags})`
    : `burn was the bottleneck, not the server: its own loop sent ${latePercent.toFixed(1)}% of requests more than ${spec.lateAfterMs}ms after their intended start (${lags}; ${rates}; ${(s.cpuMs / 1000).toFixed(1)}s of CPU in ${(s.elapsedMs / 1000).toFixed(1)}s); the load was not the one asked for, so its figures are inconclusive: give burn more CPU, lower the rate or run more agents (parallelism)`;
  return { keptUp, latePercent, lagP50Ms: lag.p50, lagP99Ms: lag.p99, lag, achievedRate: achieved, targetRate: target, message };
}

function thresholdValue(t: TrafficThreshold, total: TrafficWindow, figures: LatencyFigures): number {
  switch (t.metric) {
    case 'errorRate':
      return errorPercent(total.counts);
    case 'droppedRate':
      return droppedPercent(total.counts);
    default:
      return figures[t.metric];
  }
}

function gradeThreshold(t: TrafficThreshold, summary: TrafficSummary, figures: LatencyFigures, sender: SenderVerdict): ThresholdResult {
  const rate = t.metric === 'errorRate' || t.metric === 'droppedRate';
  const value = thresholdValue(t, summary.total, figures);
  const threshold = rate ? 100 * t.below : t.below;
  const passed = t.orEqual ? value <= threshold : value < threshold;
  const key = `${TRAFFIC_MEASUREMENT} ${rate ? t.metric : `latency ${t.metric}`}`;
  const shown = rate ? `${value.toFixed(2)}%` : `${value.toFixed(2)}ms`;
  const base: ThresholdResult = { key, value, threshold, unit: rate ? 'ratio' : 'ms', passed, message: `${t.text}: ${shown} (${passed ? 'met' : 'not met'})` };
  if (!rate && figures.count === 0) return { ...base, value: NaN, passed: false, notMeasurable: `${t.text}: no request was answered, so there is no latency to grade` };
  if (passed) return base;
  // A failure that the sender's own delay may explain is not the server's: inconclusive.
  if (!sender.keptUp) return { ...base, notMeasurable: `${t.text}: ${shown}, but ${sender.message}`, message: `${t.text}: ${shown}, but ${sender.message}` };
  // Latency counts from the intended start: a latency quantile less burn's own delay at that quantile would meet it.
  const lag = rate ? 0 : sender.lag[t.metric as keyof LatencyFigures];
  const withoutLag = value - lag;
  if (lag > 0 && (t.orEqual ? withoutLag <= threshold : withoutLag < threshold)) {
    const why = `${t.text}: ${shown}, of which up to ${lag.toFixed(2)}ms is burn's own delay in sending (send lag ${t.metric}); without it the threshold is met, so the result is inconclusive`;
    return { ...base, notMeasurable: why, message: why };
  }
  return base;
}

/** The rate the timeline asked for over second `i`, of this summary's agents' shares. */
function plannedRate(spec: TrafficSpec, i: number): number {
  return arrivalsBefore(spec.startRate, spec.stages, (i + 1) * 1000) - arrivalsBefore(spec.startRate, spec.stages, i * 1000);
}

function stageName(spec: TrafficSpec, i: number): string {
  const from = i === 0 ? spec.startRate : spec.stages[i - 1]!.target;
  const to = spec.stages[i]!.target;
  return `stage ${i + 1} (${from === to ? `${to}` : `${from}->${to}`} req/s, ${spec.stages[i]!.durationMs / 1000}s)`;
}

export function trafficResult(summary: TrafficSummary, spec: TrafficSpec, meta: TrafficMeta): MeasurementResult {
  const totalFigures = figuresOf(summary.total);
  const sender = senderVerdict(summary, spec);
  const base = { uuid: meta.uuid, jobName: meta.jobName };
  const seconds = summary.seconds.map((w, i) => ({
    ...base,
    metricName: 'trafficMeasurement',
    timestamp: new Date(summary.startWallMs + i * 1000).toISOString(),
    second: i,
    targetRate: Math.round(plannedRate(spec, i) * 1000) / 1000,
    ...countFields(w.counts),
    ...figureFields(figuresOf(w)),
  }));
  const quantileDoc = (quantileName: string, w: TrafficWindow, durationMs: number, f: LatencyFigures) => ({
    ...base,
    metricName: 'trafficQuantilesMeasurement',
    quantileName,
    timestamp: new Date(summary.startWallMs).toISOString(),
    clock: 'client-ms',
    count: f.count,
    ...countFields(w.counts),
    sentRate: durationMs > 0 ? Math.round((w.counts.sent / durationMs) * 1e6) / 1000 : 0,
    targetRate: durationMs > 0 ? Math.round((w.counts.planned / durationMs) * 1e6) / 1000 : 0,
    ...figureFields(f),
  });
  const stageDocs = summary.stages.map((w, i) => quantileDoc(stageName(spec, i), w, spec.stages[i]?.durationMs ?? 0, figuresOf(w)));
  const totalDoc = {
    ...quantileDoc('total', summary.total, summary.timelineMs, totalFigures),
    sentRate: Math.round(sender.achievedRate * 1000) / 1000,
    sendLagP50: ms(sender.lagP50Ms),
    sendLagP99: ms(sender.lagP99Ms),
    cpuMs: ms(summary.cpuMs),
  };
  const quantiles: QuantileSummary[] = [{ name: 'latency', clock: 'client-ms', count: totalFigures.count, p50: totalFigures.p50, p90: totalFigures.p90, p95: totalFigures.p95, p99: totalFigures.p99, min: totalFigures.min, max: totalFigures.max, avg: totalFigures.avg }];
  const thresholds: ThresholdResult[] = spec.thresholds.map((t) => gradeThreshold(t, summary, totalFigures, sender));
  const scheduleCheck: ThresholdResult = {
    key: `${TRAFFIC_MEASUREMENT} sender on schedule`,
    value: sender.latePercent,
    threshold: 100 * LATE_SHARE_LIMIT,
    unit: 'ratio',
    passed: sender.keptUp,
    message: sender.message,
    ...(sender.keptUp ? {} : { notMeasurable: sender.message }),
  };
  const c = summary.total.counts;
  const warnings: string[] = [];
  if (c.dropped > 0) warnings.push(`${c.dropped} of ${c.planned} arrivals (${droppedPercent(c).toFixed(2)}%) were dropped: ${spec.maxInFlight} requests were already in flight (maxInFlight); the server answered too slowly for the rate`);
  const planned = totalArrivals(spec.startRate, spec.stages);
  const mine = summary.agents.length === summary.parallelism ? planned : undefined;
  if (mine !== undefined && c.planned < mine) warnings.push(`the load stopped early: ${c.planned} of ${mine} arrivals came due`);
  return {
    name: TRAFFIC_MEASUREMENT,
    documents: [
      { fileName: `trafficMeasurement-${meta.jobName}.json`, docs: seconds },
      { fileName: `trafficQuantilesMeasurement-${meta.jobName}.json`, docs: [...stageDocs, totalDoc] },
      { fileName: `trafficHistograms-${meta.jobName}.json`, docs: [{ ...base, metricName: 'trafficHistograms', ...summary }] },
    ],
    quantiles,
    thresholds: [scheduleCheck, ...thresholds],
    slis: [],
    errors: [],
    ...(warnings.length ? { warnings } : {}),
  };
}

/** One line for the log and the terminal: what was sent, answered, dropped, and the latency. */
export function trafficLine(summary: TrafficSummary): string {
  const c = summary.total.counts;
  const f = figuresOf(summary.total);
  const failures = [...Object.entries(c.byStatus), ...Object.entries(c.byError)].map(([k, v]) => `${k}: ${v}`).join(', ');
  return `${c.sent} sent (${achievedRate(summary).toFixed(1)} of ${targetRate(summary).toFixed(1)} req/s), ${c.succeeded} succeeded, ${c.failed} failed${failures ? ` (${failures})` : ''}, ${c.dropped} dropped, ${c.late} late; latency p50 ${f.p50.toFixed(2)}ms p90 ${f.p90.toFixed(2)}ms p99 ${f.p99.toFixed(2)}ms p99.9 ${f['p99.9'].toFixed(2)}ms max ${f.max.toFixed(2)}ms`;
}
