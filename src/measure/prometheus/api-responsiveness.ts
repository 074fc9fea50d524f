/**
 * APIResponsivenessPrometheus as ClusterLoader2 computes it, from apiserver_request_sli_duration_seconds,
 * per (resource, subresource, verb, scope), WATCH and the streaming subresources left out:
 * - simple mode: histogram_quantile(q, per-key bucket increase over the window). ClusterLoader2 writes
 *   it with rate(...[D]); burn takes the counters' difference between the window's end and start
 *   (a series born inside the window counts from 0), which is the same ratio without increase()'s
 *   extrapolation and without losing a new series' first scrape;
 * - full mode (long windows): quantile_over_time(0.99, <the quantile of 1 m rates>[D:1m]), the worst
 *   minute-level figure, as ClusterLoader2's recording-rule variant;
 * - Count: calls in the window; SlowCount: Count minus the bucket at the key's threshold.
 * Output: ClusterLoader2's {"version":"v1","dataItems":[...]} form, and ApiCallSli per key for src/slo.
 */
import type { ApiScope } from '../../kube/index.js';
import { PROMQL_SLI_FILTER, customThresholdFor, isBuiltInGroup, sloThresholdMs, type ApiKey, type CustomThreshold } from '../api-sli.js';
import type { ApiCallSli } from '../types.js';
import type { PrometheusClient } from './client.js';
import { documentFile } from '../documents.js';
import { histogramCountAbove, histogramDifference } from '../quantiles.js';
import { PREFLIGHT_RANGE_SECONDS, type PrometheusGatherer } from './gatherer.js';
import { rangeSecondsOf, windowDelta } from './promql.js';

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
  /** Full mode's subquery resolution, seconds; 60 as ClusterLoader2's recording rule. */
  fullModeStepSeconds?: number;
}

export function chooseMode(configured: ResponsivenessMode | 'auto', windowMs: number): ResponsivenessMode {
  if (configured === 'simple' || configured === 'full') return configured;
  return windowMs >= FULL_MODE_MIN_WINDOW_MS ? 'full' : 'simple';
}

/** Per key and bucket, the calls of the window: the counters' difference, or the whole counter for a series born in it. */
export function bucketDeltaQuery(rangeSeconds: number): string {
  return windowDelta(`${SLI_HISTOGRAM}_bucket{${PROMQL_SLI_FILTER}}`, `${BY}, le`, rangeSeconds);
}

export function quantileQuery(q: number, mode: ResponsivenessMode, rangeSeconds: number, fullModeStepSeconds = 60): string {
  if (mode === 'simple') return `histogram_quantile(${q}, ${bucketDeltaQuery(rangeSeconds)})`;
  const rate = `sum(rate(${SLI_HISTOGRAM}_bucket{${PROMQL_SLI_FILTER}}[1m])) by (${BY}, le)`;
  // ">= 0" drops the NaN of minutes without calls, which would poison quantile_over_time.
  return `quantile_over_time(0.99, (histogram_quantile(${q}, ${rate}) >= 0)[${rangeSeconds}s:${fullModeStepSeconds}s])`;
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
  return Math.max(0, Math.round(histogramCountAbove(histogramDifference(undefined, buckets), thresholdMs + 1e-9)));
}

export interface ResponsivenessOutcome {
  slis: ApiCallSli[];
  /** ClusterLoader2's output document. */
  document: { version: 'v1'; dataItems: object[] };
}

export async function apiResponsiveness(prometheus: PrometheusClient, window: { startMs: number; endMs: number }, options: ResponsivenessOptions): Promise<ResponsivenessOutcome> {
  const rangeSeconds = rangeSecondsOf(window);
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
  for (const s of await prometheus.query(bucketDeltaQuery(rangeSeconds), window.endMs)) {
    const le = s.metric.le === '+Inf' ? Infinity : Number(s.metric.le);
    // A counter reset inside the window gives a negative difference: count from 0.
    if (!Number.isNaN(s.value)) figuresOf(s.metric)?.buckets.set(le, Math.max(0, s.value));
  }
  for (const q of QUANTILES) {
    for (const s of await prometheus.query(quantileQuery(q, options.mode, rangeSeconds, options.fullModeStepSeconds), window.endMs)) {
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

/** The server-side API call SLIs from the first endpoint; `mode: auto` picks by the window's length. */
export function apiResponsivenessGatherer(options: Omit<ResponsivenessOptions, 'mode'> & { mode: ResponsivenessMode | 'auto' }): PrometheusGatherer {
  return {
    name: 'API responsiveness',
    endpoints: 'first',
    plannedQueries: () => {
      const modes: ResponsivenessMode[] = options.mode === 'auto' ? ['simple', 'full'] : [options.mode];
      const exprs = [bucketDeltaQuery(PREFLIGHT_RANGE_SECONDS), ...modes.map((m) => quantileQuery(0.99, m, PREFLIGHT_RANGE_SECONDS, options.fullModeStepSeconds))];
      return exprs.map((expr) => ({ expr, origin: 'API responsiveness (burn\'s own query)' }));
    },
    async gather({ endpoint, window, jobName }) {
      try {
        const mode = chooseMode(options.mode, window.endMs - window.startMs);
        const api = await apiResponsiveness(endpoint.client, window, { ...options, mode });
        return { slis: api.slis, documents: [documentFile(`APIResponsivenessPrometheus_${mode}`, jobName, [api.document])] };
      } catch (err) {
        return { errors: [`API responsiveness from ${endpoint.client.endpoint}: ${(err as Error).message}`] };
      }
    },
  };
}
