/**
 * APIResponsivenessPrometheus as ClusterLoader2 computes it, from apiserver_request_sli_duration_seconds:
 * - simple mode: histogram_quantile(q, sum(rate(bucket{filter}[D])) by (resource, subresource, verb, scope, le)), D = window;
 * - full mode (long windows): quantile_over_time(0.99, <the same quantile over 1 m rates>[D:1m]), the worst minute-level figure;
 * - Count = increase of _count over D; SlowCount = Count minus the bucket at the key's threshold.
 * Output: ClusterLoader2's {"version":"v1","dataItems":[...]} form, and ApiCallSli per key for src/slo.
 */
import type { ApiScope } from '../../kube/types.js';
import { PROMQL_SLI_FILTER, customThresholdFor, isBuiltInGroup, sloThresholdMs, type ApiKey, type CustomThreshold } from '../api-sli.js';
import type { ApiCallSli } from '../types.js';
import type { PrometheusClient } from './client.js';

export const SLI_HISTOGRAM = 'apiserver_request_sli_duration_seconds';
const BY = 'group, resource, subresource, verb, scope';
const QUANTILES = [0.5, 0.9, 0.99] as const;
/** From this window length, full mode is used when the mode is auto. */
export const FULL_MODE_MIN_WINDOW_MS = 10 * 60_000;

export type ResponsivenessMode = 'simple' | 'full';

export interface ResponsivenessOptions {
  mode: ResponsivenessMode;
  customThresholds: CustomThreshold[];
  allowedSlowCalls: number;
}

export function chooseMode(configured: unknown, windowMs: number): ResponsivenessMode {
  if (configured === 'simple' || configured === 'full') return configured;
  return windowMs >= FULL_MODE_MIN_WINDOW_MS ? 'full' : 'simple';
}

export function quantileQuery(q: number, mode: ResponsivenessMode, rangeSeconds: number): string {
  const rate = (range: string) => `sum(rate(${SLI_HISTOGRAM}_bucket{${PROMQL_SLI_FILTER}}[${range}])) by (${BY}, le)`;
  if (mode === 'simple') return `histogram_quantile(${q}, ${rate(`${rangeSeconds}s`)})`;
  return `quantile_over_time(0.99, histogram_quantile(${q}, ${rate('1m')})[${rangeSeconds}s:1m])`;
}

export function bucketIncreaseQuery(rangeSeconds: number): string {
  return `sum(increase(${SLI_HISTOGRAM}_bucket{${PROMQL_SLI_FILTER}}[${rangeSeconds}s])) by (${BY}, le)`;
}

interface KeyFigures {
  key: ApiKey;
  group: string;
  quantilesMs: Partial<Record<(typeof QUANTILES)[number], number>>;
  /** le (seconds, +Inf as Infinity) -> calls at or under it. */
  buckets: Map<number, number>;
}

function keyId(m: Record<string, string>): string {
  return `${m.group ?? ''}|${m.resource ?? ''}|${m.subresource ?? ''}|${m.verb ?? ''}|${m.scope ?? ''}`;
}

function isScope(s: string | undefined): s is ApiScope {
  return s === 'resource' || s === 'namespace' || s === 'cluster';
}

/** Calls slower than thresholdMs: Count minus the largest bucket at or under the threshold. */
export function slowCountFromBuckets(buckets: Map<number, number>, thresholdMs: number): number {
  const count = buckets.get(Infinity) ?? 0;
  let fastLe = -1;
  let fast = 0;
  for (const [le, n] of buckets) {
    if (le * 1000 <= thresholdMs + 1e-9 && le > fastLe) {
      fastLe = le;
      fast = n;
    }
  }
  return Math.max(0, Math.round(count - fast));
}

export interface ResponsivenessOutcome {
  slis: ApiCallSli[];
  /** ClusterLoader2's output document. */
  document: { version: 'v1'; dataItems: object[] };
}

export async function apiResponsiveness(prometheus: PrometheusClient, window: { startMs: number; endMs: number }, options: ResponsivenessOptions): Promise<ResponsivenessOutcome> {
  const rangeSeconds = Math.max(1, Math.ceil((window.endMs - window.startMs) / 1000));
  const figures = new Map<string, KeyFigures>();
  const figuresOf = (m: Record<string, string>): KeyFigures | undefined => {
    if (!isScope(m.scope) || !isBuiltInGroup(m.group ?? '')) return undefined;
    const id = keyId(m);
    let f = figures.get(id);
    if (!f) {
      f = { key: { verb: m.verb ?? '', resource: m.resource ?? '', subresource: m.subresource ?? '', scope: m.scope }, group: m.group ?? '', quantilesMs: {}, buckets: new Map() };
      figures.set(id, f);
    }
    return f;
  };
  for (const s of await prometheus.query(bucketIncreaseQuery(rangeSeconds), window.endMs)) {
    const le = s.metric.le === '+Inf' ? Infinity : Number(s.metric.le);
    if (!Number.isNaN(s.value)) figuresOf(s.metric)?.buckets.set(le, s.value);
  }
  for (const q of QUANTILES) {
    for (const s of await prometheus.query(quantileQuery(q, options.mode, rangeSeconds), window.endMs)) {
      if (Number.isFinite(s.value)) {
        const f = figuresOf(s.metric);
        if (f) f.quantilesMs[q] = s.value * 1000;
      }
    }
  }
  const slis: ApiCallSli[] = [];
  const dataItems: Array<{ data: { Perc50: number; Perc90: number; Perc99: number }; unit: 'ms'; labels: Record<string, string> }> = [];
  for (const f of figures.values()) {
    const count = Math.round(f.buckets.get(Infinity) ?? 0);
    const { 0.5: p50, 0.9: p90, 0.99: p99 } = f.quantilesMs;
    if (count === 0 || p50 === undefined || p90 === undefined || p99 === undefined) continue;
    const custom = customThresholdFor(f.key, options.customThresholds);
    const thresholdMs = custom ?? sloThresholdMs(f.key.scope);
    const slowCount = slowCountFromBuckets(f.buckets, thresholdMs);
    dataItems.push({
      data: { Perc50: p50, Perc90: p90, Perc99: p99 },
      unit: 'ms',
      labels: { Verb: f.key.verb, Resource: f.key.resource, Subresource: f.key.subresource, Scope: f.key.scope, Count: String(count), SlowCount: String(slowCount) },
    });
    slis.push({
      sli: 'apiCall',
      source: 'prometheus',
      ...f.key,
      scope: f.key.scope as ApiScope,
      count,
      p50,
      p90,
      p99,
      slowCount,
      ...(custom !== undefined ? { thresholdMs: custom } : {}),
      ...(options.allowedSlowCalls > 0 ? { allowedSlowCalls: options.allowedSlowCalls } : {}),
    });
  }
  dataItems.sort((a, b) => b.data.Perc99 - a.data.Perc99);
  return { slis, document: { version: 'v1', dataItems } };
}
