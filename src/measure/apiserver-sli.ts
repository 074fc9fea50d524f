/**
 * apiServerSli: the SIG API call latency SLIs on the API server's own SLI, without Prometheus.
 * burn scrapes the apiserver's /metrics itself (the housekeeping client: same credentials and
 * TLS) when the job starts and when it ends, and takes the difference of
 * `apiserver_request_sli_duration_seconds` per (verb, resource, subresource, scope): ClusterLoader2's
 * simple method over the job's window. WATCH, CONNECT and the streaming subresources (log, exec,
 * attach, portforward, proxy), CRDs and aggregated APIs are left out as the SLO defines.
 * P50/P90/P99 are interpolated within the buckets (Prometheus' histogram_quantile), so each figure
 * is exact to within its bucket: `resolutionMs` says how wide that was. Under 100 calls the P99 is
 * the maximum, i.e. the upper bound of the highest bucket with calls (p99IsMax).
 *
 * Several API servers (an HA control plane, EKS): the endpoints of the default/kubernetes
 * EndpointSlice are scraped one by one, each at its own address (TLS checked against the
 * kubeconfig's host name), because the kubeconfig's address may reach a different replica on
 * each request. Replicas burn cannot reach are named in a warning and in `coverage` ("1 of 3
 * API servers"): one replica is never graded silently as the whole control plane. A Prometheus
 * endpoint with API responsiveness grades ahead of this figure (src/slo ranks prometheus first).
 */
import { apiKeyString, countsTowardApiSli, customThresholdFor, readAllowedSlowCalls, readCustomThresholds, sloThresholdMs, type ApiKey, type CustomThreshold } from './api-sli.js';
import { collectTimestamp, documentFile } from './documents.js';
import { scrapeMetricFamilies, type TextSample } from './metrics-text.js';
import { histogramCountAbove, histogramDifference, histogramP99, histogramQuantile, type BucketHistogram } from './quantiles.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import type { ApiCallSli, Measurement, MeasurementClient, MeasurementContext, MeasurementResult } from './types.js';
import type { Access } from '../kube/index.js';

export const SLI_METRIC = 'apiserver_request_sli_duration_seconds';
const SCRAPE_TIMEOUT_MS = 30_000;

/** Per key: cumulative counts by upper bound (seconds, +Inf included), as /metrics serves them. */
export type SliSnapshot = Map<string, { key: ApiKey; cumulative: Map<number, number> }>;

function isScope(s: string | undefined): boolean {
  return s === 'resource' || s === 'namespace' || s === 'cluster';
}

const SLI_BUCKET = `${SLI_METRIC}_bucket`;

/** The SLI histogram's buckets among a /metrics scrape's samples, for the calls the SLO covers. */
export function sliSnapshot(samples: readonly TextSample[]): SliSnapshot {
  const snapshot: SliSnapshot = new Map();
  for (const s of samples) {
    if (s.name !== SLI_BUCKET) continue;
    const m = s.labels;
    if (!isScope(m.scope) || !countsTowardApiSli({ verb: m.verb ?? '', subresource: m.subresource ?? '', group: m.group ?? '' })) continue;
    const id = `${m.group ?? ''}|${m.resource ?? ''}|${m.subresource ?? ''}|${m.verb ?? ''}|${m.scope}`;
    let entry = snapshot.get(id);
    if (!entry) snapshot.set(id, (entry = { key: { verb: m.verb ?? '', resource: m.resource ?? '', subresource: m.subresource ?? '', scope: m.scope! }, cumulative: new Map() }));
    const le = m.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(m.le);
    // Series that differ only in labels burn does not key on (version, component) add up.
    if (!Number.isNaN(le)) entry.cumulative.set(le, (entry.cumulative.get(le) ?? 0) + s.value);
  }
  return snapshot;
}

/** Calls per key between two snapshots of one API server. */
export function snapshotDifference(start: SliSnapshot, end: SliSnapshot): Map<string, { key: ApiKey; histogram: BucketHistogram }> {
  const out = new Map<string, { key: ApiKey; histogram: BucketHistogram }>();
  for (const [id, e] of end) out.set(id, { key: e.key, histogram: histogramDifference(start.get(id)?.cumulative, e.cumulative) });
  return out;
}

/** Adds histograms of the same key from several API servers (their bounds are the apiserver's, the same for all). */
export function mergeDifferences(parts: Array<Map<string, { key: ApiKey; histogram: BucketHistogram }>>): Map<string, { key: ApiKey; histogram: BucketHistogram }> {
  const out = new Map<string, { key: ApiKey; histogram: BucketHistogram }>();
  for (const part of parts) {
    for (const [id, e] of part) {
      const seen = out.get(id);
      if (!seen) out.set(id, { key: e.key, histogram: { boundsMs: [...e.histogram.boundsMs], counts: [...e.histogram.counts] } });
      else if (seen.histogram.boundsMs.join() === e.histogram.boundsMs.join()) e.histogram.counts.forEach((c, i) => (seen.histogram.counts[i]! += c));
      else throw new Error(`API servers serve different ${SLI_METRIC} buckets for ${apiKeyString(e.key)}: cannot add them`);
    }
  }
  return out;
}

export interface ServerSliOptions {
  customThresholds: CustomThreshold[];
  allowedSlowCalls: number;
  coverage?: string;
}

/** Width of the bucket holding `ms` (Infinity past the last bound). */
function bucketWidthMs(h: BucketHistogram, ms: number): number {
  const i = h.boundsMs.findIndex((b) => b >= ms);
  if (i < 0) return Number.POSITIVE_INFINITY;
  return h.boundsMs[i]! - (i > 0 ? h.boundsMs[i - 1]! : 0);
}

/** ApiCallSli (source 'server') per key with calls, and ClusterLoader2's output document. */
export function serverSlis(differences: Map<string, { key: ApiKey; histogram: BucketHistogram }>, options: ServerSliOptions): { slis: ApiCallSli[]; document: { version: 'v1'; dataItems: object[] } } {
  const slis: ApiCallSli[] = [];
  for (const { key, histogram } of differences.values()) {
    const count = histogram.counts.reduce((a, b) => a + b, 0);
    if (count === 0) continue;
    const custom = customThresholdFor(key, options.customThresholds);
    const thresholdMs = custom ?? sloThresholdMs(key.scope);
    const { p99, p99IsMax } = histogramP99(histogram);
    const resolutionMs = bucketWidthMs(histogram, p99);
    slis.push({
      sli: 'apiCall',
      source: 'server',
      ...key,
      scope: key.scope as ApiCallSli['scope'],
      count,
      p50: histogramQuantile(histogram, 0.5),
      p90: histogramQuantile(histogram, 0.9),
      p99,
      ...(p99IsMax ? { p99IsMax } : {}),
      slowCount: histogramCountAbove(histogram, thresholdMs),
      histogram,
      ...(Number.isFinite(resolutionMs) ? { resolutionMs } : {}),
      ...(options.coverage ? { coverage: options.coverage } : {}),
      ...(custom !== undefined ? { thresholdMs: custom } : {}),
      ...(options.allowedSlowCalls > 0 ? { allowedSlowCalls: options.allowedSlowCalls } : {}),
    });
  }
  slis.sort((a, b) => b.p99 - a.p99);
  const dataItems = slis.map((s) => ({
    data: { Perc50: s.p50, Perc90: s.p90, Perc99: s.p99 },
    unit: 'ms',
    labels: { Verb: s.verb, Resource: s.resource, Subresource: s.subresource, Scope: s.scope, Count: String(s.count), SlowCount: String(s.slowCount) },
  }));
  return { slis, document: { version: 'v1', dataItems } };
}

/** One API server to scrape: the kubeconfig's address, or one replica's. */
interface ScrapeTarget {
  name: string;
  client: MeasurementClient;
  close?: () => Promise<void>;
  start?: SliSnapshot;
  end?: SliSnapshot;
  error?: string;
}

async function scrape(client: MeasurementClient): Promise<SliSnapshot> {
  return sliSnapshot((await scrapeMetricFamilies(client, [SLI_BUCKET], SCRAPE_TIMEOUT_MS)) ?? []);
}

/** Addresses and the https port of the default/kubernetes EndpointSlice(s) (else its Endpoints): one per API server; undefined when neither can be read. */
export async function apiServerEndpoints(client: MeasurementClient): Promise<{ addresses: string[]; port: number } | undefined> {
  const slices = await endpointSliceAddresses(client);
  if (slices && slices.addresses.length > 0) return slices;
  const endpoints = await client.request!<{ subsets?: any[] } | undefined>({ method: 'GET', path: '/api/v1/namespaces/default/endpoints/kubernetes', tolerate: [403, 404] });
  if (!endpoints) return slices;
  const addresses = new Set<string>();
  let port = 443;
  for (const subset of endpoints.subsets ?? []) {
    const https = (subset.ports ?? []).find((p: any) => p?.name === 'https') ?? subset.ports?.[0];
    if (typeof https?.port === 'number') port = https.port;
    for (const a of subset.addresses ?? []) if (a?.ip) addresses.add(String(a.ip));
  }
  return { addresses: [...addresses], port };
}

async function endpointSliceAddresses(client: MeasurementClient): Promise<{ addresses: string[]; port: number } | undefined> {
  const list = await client.request!<{ items?: any[] } | undefined>({
    method: 'GET',
    path: '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dkubernetes',
    tolerate: [403, 404],
  });
  const addresses = new Set<string>();
  let port = 443;
  for (const slice of list?.items ?? []) {
    const https = (slice.ports ?? []).find((p: any) => p?.name === 'https') ?? slice.ports?.[0];
    if (typeof https?.port === 'number') port = https.port;
    for (const e of slice.endpoints ?? []) {
      if (e?.conditions?.ready === false) continue;
      for (const a of e?.addresses ?? []) addresses.add(String(a));
    }
  }
  return list ? { addresses: [...addresses], port } : undefined;
}

class ApiServerSliMeasurement implements Measurement {
  readonly name = 'apiServerSli';
  private targets: ScrapeTarget[] = [];
  private replicas = 1;
  private jobName = '';
  private prometheusConfigured = false;
  private readonly warnings: string[] = [];
  private readonly errors: string[] = [];

  constructor(private readonly options: ServerSliOptions) {}

  async start(ctx: MeasurementContext): Promise<void> {
    this.jobName = ctx.jobName;
    this.prometheusConfigured = ctx.metricsEndpoints.some((e) => e.endpoint !== '');
    const client = ctx.client;
    if (!client.request) {
      this.errors.push('apiServerSli: this client cannot send raw requests, so /metrics cannot be scraped');
      return;
    }
    const endpoints = await apiServerEndpoints(client).catch(() => undefined);
    if (!endpoints) this.warnings.push('apiServerSli: cannot read the default/kubernetes EndpointSlice or Endpoints, so how many API servers serve the cluster is unknown: the server-side API SLIs are those of whichever API server answered the scrapes');
    this.replicas = Math.max(1, endpoints?.addresses.length ?? 1);
    if (this.replicas > 1 && client.replica) {
      this.targets = endpoints!.addresses.map((address) => {
        const replica = client.replica!(address, endpoints!.port);
        return { name: `${address}:${endpoints!.port}`, client: replica, close: () => replica.close() };
      });
    } else {
      this.targets = [{ name: 'the API server', client }];
      if (this.replicas > 1) this.targets[0]!.error = 'this client cannot reach API servers by address';
    }
    await Promise.all(this.targets.map(async (t) => {
      if (t.error) return;
      try {
        t.start = await scrape(t.client);
      } catch (err) {
        t.error = (err as Error).message;
      }
    }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.targets.map(async (t) => {
      if (!t.start) return;
      try {
        t.end = await scrape(t.client);
      } catch (err) {
        t.error = (err as Error).message;
      } finally {
        await t.close?.().catch(() => undefined);
      }
    }));
  }

  async collect(): Promise<MeasurementResult> {
    const measured = this.targets.filter((t) => t.start && t.end);
    const failed = this.targets.filter((t) => !(t.start && t.end));
    const coverage = this.replicas > 1 ? `${measured.length} of ${this.replicas} API servers` : undefined;
    const warnings = [...this.warnings];
    const errors = [...this.errors];
    if (failed.length > 0) {
      const why = failed.map((t) => `${t.name}: ${t.error ?? 'not scraped'}`).join('; ');
      const figure = measured.length > 0 ? `the server-side API SLIs cover ${coverage} only` : 'no server-side API SLIs';
      const fix = this.prometheusConfigured ? 'the configured Prometheus grades them' : 'configure a Prometheus that scrapes every API server (metricsEndpoints), or let burn reach each API server address';
      const message = `apiServerSli: cannot scrape /metrics of ${failed.length === this.targets.length && this.replicas === 1 ? 'the API server' : `${failed.length} of ${this.replicas} API servers`} (${why}): ${figure}; ${fix}`;
      // A single API server whose /metrics burn may not read is a lower-quality run, not a failed one; so is a partial view.
      warnings.push(message);
    }
    if (measured.length === 0) return { name: this.name, documents: [], quantiles: [], thresholds: [], slis: [], errors, warnings };
    try {
      const merged = mergeDifferences(measured.map((t) => snapshotDifference(t.start!, t.end!)));
      const { slis, document } = serverSlis(merged, { ...this.options, coverage });
      const doc = { ...document, timestamp: collectTimestamp(), jobName: this.jobName, ...(coverage ? { coverage } : {}) };
      return { name: this.name, documents: [documentFile('APIResponsivenessServerScrape', this.jobName, [doc])], quantiles: [], thresholds: [], slis, errors, warnings };
    } catch (err) {
      return { name: this.name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [...errors, `apiServerSli: ${(err as Error).message}`], warnings };
    }
  }
}

export const apiServerSliPlugin: MeasurementPlugin<ServerSliOptions> = {
  name: 'apiServerSli',
  jobTypes: 'all',
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'apiServerSli', ['name']);
    const parsed = { customThresholds: readCustomThresholds(options), allowedSlowCalls: readAllowedSlowCalls(options) };
    options.finish();
    return parsed;
  },
  create: (options) => new ApiServerSliMeasurement(options),
  access: (): Access[] => [
    { url: '/metrics', verbs: ['get'], why: "apiServerSli scrapes the API server's /metrics" },
    { group: '', resource: 'endpoints', verbs: ['get'], namespace: 'default', why: 'apiServerSli finds each API server replica (default/kubernetes)' },
    { group: 'discovery.k8s.io', resource: 'endpointslices', verbs: ['list'], namespace: 'default', why: 'apiServerSli finds each API server replica (default/kubernetes)' },
  ],
};
