/**
 * apiLatency: client-side latency of every request this run sent, from the request path's
 * records, per (verb, resource, subresource, scope). Latency is the last attempt's (what the
 * apiserver's histogram sees); retries are counted apart. Quantiles by nearest rank (ClusterLoader2).
 *
 * A diagnostic: burn's clock includes its own event loop and the machine it runs on, so these
 * ApiCallSlis (source 'client') are not graded against the SIG SLOs (the server's SLI is, see
 * apiserver-sli.ts); each carries a fixed-bucket histogram so `burn diff` can merge and test them.
 * Only the workload's calls (RequestRecord.origin 'workload') make the tables, SLIs and series;
 * burn's own calls (discovery, watch set-up, gc, verification) go to a separate document file,
 * `apiLatencyBurnMeasurement`, for reports to show apart.
 */
import type { RequestRecord } from '../kube/index.js';
import { apiKeyString, countsTowardApiSli, customThresholdFor, readAllowedSlowCalls, readCustomThresholds, sloThresholdMs, type ApiKey, type CustomThreshold } from './api-sli.js';
import { collectTimestamp, documentFile } from './documents.js';
import { histogramOf, SampleBuffer, summarize } from './quantiles.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import type { ApiCallSli, Measurement, MeasurementContext, MeasurementResult, QuantileSummary } from './types.js';
import type { Access } from '../kube/index.js';

interface KeyStats {
  key: ApiKey;
  group: string;
  latencies: SampleBuffer;
  /** When each latency's request started (ms since epoch), index for index: for the time series. */
  starts: SampleBuffer;
  errors: Map<number, number>;
  retries: number;
  /** Requests that got no response at all (code 0): they have no server latency. */
  unanswered: number;
}

/** Accumulates request records, the workload's and burn's apart; pure apart from what it is fed. */
export class ApiLatencyRecorder {
  private readonly byKey = new Map<string, KeyStats>();
  private readonly burnByKey = new Map<string, KeyStats>();

  record(r: RequestRecord): void {
    const id = `${r.verb}|${r.group}|${r.resource}|${r.subresource}|${r.scope}`;
    const byKey = r.origin === 'burn' ? this.burnByKey : this.byKey;
    let stats = byKey.get(id);
    if (!stats) {
      stats = { key: { verb: r.verb, resource: r.resource, subresource: r.subresource, scope: r.scope }, group: r.group, latencies: new SampleBuffer(), starts: new SampleBuffer(), errors: new Map(), retries: 0, unanswered: 0 };
      byKey.set(id, stats);
    }
    stats.retries += r.retries;
    if (r.code === 0 || r.code >= 400) stats.errors.set(r.code, (stats.errors.get(r.code) ?? 0) + 1);
    if (r.code === 0) stats.unanswered++;
    else {
      stats.latencies.push(r.attemptLatencyMs);
      stats.starts.push(r.startMs);
    }
  }

  /** The workload's calls, per key. */
  keys(): KeyStats[] {
    return [...this.byKey.values()];
  }

  /** burn's own calls, per key. */
  burnKeys(): KeyStats[] {
    return [...this.burnByKey.values()];
  }
}

export interface ApiLatencyOptions {
  uuid: string;
  jobName: string;
  customThresholds: CustomThreshold[];
  allowedSlowCalls: number;
}

/** Width of a time-series bucket: enough calls per bucket for a p99 at load, fine enough to see a spike. */
export const SERIES_BUCKET_MS = 10_000;

/** Latency over time: count, P50 and P99 of the calls that started in each 10 s bucket. */
function latencySeries(starts: Float64Array, latencies: Float64Array, name: string): Array<{ t: string; count: number; p50: number; p99: number }> {
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < starts.length; i++) {
    const bucket = Math.floor(starts[i]! / SERIES_BUCKET_MS) * SERIES_BUCKET_MS;
    let values = buckets.get(bucket);
    if (!values) buckets.set(bucket, (values = []));
    values.push(latencies[i]!);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([bucket, values]) => {
      const q = summarize(name, Float64Array.from(values), 'client-ms', 'nearestRank')!;
      return { t: new Date(bucket).toISOString(), count: q.count, p50: q.p50, p99: q.p99 };
    });
}

function countAbove(values: Float64Array, thresholdMs: number): number {
  let n = 0;
  for (const v of values) if (v > thresholdMs) n++;
  return n;
}

/** One key's document; workload documents carry the 10 s series and the histogram, burn's only the figures. */
function keyDocument(stats: KeyStats, options: ApiLatencyOptions, timestamp: string, origin: 'workload' | 'burn') {
  const inSli = countsTowardApiSli({ verb: stats.key.verb, subresource: stats.key.subresource, group: stats.group });
  const custom = customThresholdFor(stats.key, options.customThresholds);
  const thresholdMs = custom ?? sloThresholdMs(stats.key.scope);
  const values = stats.latencies.values();
  const summary = summarize(apiKeyString(stats.key), values, 'client-ms', 'nearestRank');
  const slowCount = countAbove(values, thresholdMs);
  const histogram = values.length > 0 ? histogramOf(values) : undefined;
  const doc = {
    metricName: origin === 'burn' ? 'apiLatencyBurnMeasurement' : 'apiLatencyMeasurement',
    origin,
    uuid: options.uuid,
    jobName: options.jobName,
    timestamp,
    verb: stats.key.verb,
    group: stats.group,
    resource: stats.key.resource,
    subresource: stats.key.subresource,
    scope: stats.key.scope,
    count: values.length,
    P50: summary?.p50 ?? 0,
    P90: summary?.p90 ?? 0,
    P99: summary?.p99 ?? 0,
    ...(summary?.p99IsMax ? { p99IsMax: true } : {}),
    max: summary?.max ?? 0,
    slowCount,
    thresholdMs,
    errors: Object.fromEntries(stats.errors),
    retries: stats.retries,
    unanswered: stats.unanswered,
    countsTowardSli: inSli,
    clock: 'client-ms',
    ...(origin === 'workload' ? { series: latencySeries(stats.starts.values(), values, apiKeyString(stats.key)), ...(histogram ? { histogram } : {}) } : {}),
  };
  const sli: ApiCallSli | undefined = summary && inSli
    ? {
        sli: 'apiCall',
        source: 'client',
        ...stats.key,
        scope: stats.key.scope as ApiCallSli['scope'],
        count: summary.count,
        p50: summary.p50,
        p90: summary.p90,
        p99: summary.p99,
        ...(summary.p99IsMax ? { p99IsMax: true } : {}),
        max: summary.max,
        slowCount,
        ...(histogram ? { histogram } : {}),
        ...(custom !== undefined ? { thresholdMs: custom } : {}),
        ...(options.allowedSlowCalls > 0 ? { allowedSlowCalls: options.allowedSlowCalls } : {}),
      }
    : undefined;
  return { doc, summary, sli };
}

export function apiLatencyResult(recorder: ApiLatencyRecorder, options: ApiLatencyOptions): MeasurementResult {
  const timestamp = collectTimestamp();
  const docs: object[] = [];
  const slis: ApiCallSli[] = [];
  const quantiles: QuantileSummary[] = [];
  for (const stats of recorder.keys()) {
    const { doc, summary, sli } = keyDocument(stats, options, timestamp, 'workload');
    docs.push(doc);
    if (summary) quantiles.push(summary);
    if (sli) slis.push(sli);
  }
  const burnDocs = recorder.burnKeys().map((stats) => keyDocument(stats, options, timestamp, 'burn').doc);
  return {
    name: 'apiLatency',
    documents: [documentFile('apiLatencyMeasurement', options.jobName, docs), documentFile('apiLatencyBurnMeasurement', options.jobName, burnDocs)].filter((f) => f.docs.length > 0),
    quantiles,
    thresholds: [],
    slis,
    errors: [],
  };
}

class ApiLatencyMeasurement implements Measurement {
  readonly name = 'apiLatency';
  private recorder = new ApiLatencyRecorder();
  private unsubscribe?: () => void;
  private listening = false;
  private options: ApiLatencyOptions;

  constructor(private readonly config: ApiLatencyConfig) {
    this.options = { uuid: '', jobName: '', ...config };
  }

  async start(ctx: MeasurementContext): Promise<void> {
    this.options = { uuid: ctx.uuid, jobName: ctx.jobName, ...this.config };
    this.recorder = new ApiLatencyRecorder();
    this.listening = true;
    const off = ctx.client.onRequest((r) => {
      if (this.listening) this.recorder.record(r);
    });
    if (typeof off === 'function') this.unsubscribe = off;
  }

  async stop(): Promise<void> {
    this.listening = false;
    this.unsubscribe?.();
  }

  async collect(): Promise<MeasurementResult> {
    return apiLatencyResult(this.recorder, this.options);
  }
}

/** apiLatency's options as the config gives them (ClusterLoader2's names). */
export type ApiLatencyConfig = Pick<ApiLatencyOptions, 'customThresholds' | 'allowedSlowCalls'>;

export const apiLatencyPlugin: MeasurementPlugin<ApiLatencyConfig> = {
  name: 'apiLatency',
  jobTypes: 'all',
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'apiLatency', ['name']);
    const config = { customThresholds: readCustomThresholds(options), allowedSlowCalls: readAllowedSlowCalls(options) };
    options.finish();
    return config;
  },
  create: (config) => new ApiLatencyMeasurement(config),
  // It reads the requests burn sends itself: nothing of the API server's.
  access: () => [],
};
