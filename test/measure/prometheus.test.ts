import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Histogram, Registry } from 'prom-client';
import { serveRegistry, startPrometheus, type RunningPrometheus } from './prometheus-harness.js';
import { collectFromEndpoints, gatherersFor } from '../../src/measure/prometheus/measurement.js';
import { openEndpoint } from '../../src/measure/prometheus/endpoint.js';
import { apiResponsiveness } from '../../src/measure/prometheus/api-responsiveness.js';
import { PrometheusClient, PrometheusQueryError } from '../../src/measure/prometheus/client.js';
import { alertsFail } from '../../src/measure/prometheus/alerts.js';
import { ApiLatencyRecorder, apiLatencyResult } from '../../src/measure/api-latency.js';
import type { MetricsEndpoint } from '../../src/config/types.js';
import type { ApiCallSli, MeasurementResult } from '../../src/measure/types.js';
import type { RequestRecord } from '../../src/kube/types.js';
import { UserError } from '../../src/shared/errors.js';
import { runCheckAlerts } from '../../src/cli/check-alerts.js';
import { PassThrough } from 'node:stream';

/** The apiserver's buckets for apiserver_request_sli_duration_seconds. */
const SLI_BUCKETS = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/** [lower, upper] ms of the bucket a latency falls in. */
function bucketOf(ms: number): [number, number] {
  const upper = SLI_BUCKETS.find((b) => b * 1000 >= ms)!;
  const lower = SLI_BUCKETS[SLI_BUCKETS.indexOf(upper) - 1] ?? 0;
  return [lower * 1000, upper * 1000];
}

/** 1000 create latencies: 98% between 20 and 700 ms, 2% between 1.1 and 1.9 s. */
const createLatenciesMs = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 20 + (i * 680) / 980 : 1100 + (i - 980) * 40));

describe('prometheus measurement against a real Prometheus', () => {
  const registry = new Registry();
  const sli = new Histogram({ name: 'apiserver_request_sli_duration_seconds', help: 'sli', labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'], buckets: SLI_BUCKETS, registers: [registry] });
  const podStart = new Histogram({ name: 'kubelet_pod_start_sli_duration_seconds', help: 'pod start', buckets: [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30], registers: [registry] });
  const gauge = new Gauge({ name: 'burn_test_queue_depth', help: 'test gauge', labelNames: ['queue'], registers: [registry] });
  let exporter: Awaited<ReturnType<typeof serveRegistry>>;
  let prometheus: RunningPrometheus;
  let dir: string;
  let result: MeasurementResult;
  const window = { startMs: 0, endMs: 0 };
  const recorder = new ApiLatencyRecorder();

  beforeAll(async () => {
    exporter = await serveRegistry(registry);
    gauge.set({ queue: 'default' }, 3);
    // A long-running apiserver's series exist before the window (rate() needs a sample before the burst).
    const labels = { verb: 'POST', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'resource', component: 'apiserver' };
    sli.zero(labels);
    prometheus = await startPrometheus([{ url: exporter.url }]);
    await prometheus.waitForScrapes(2);
    window.startMs = Date.now();
    for (const ms of createLatenciesMs) {
      sli.observe(labels, ms / 1000);
      recorder.record({ verb: 'POST', origin: 'workload', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'resource', code: 201, startMs: 0, latencyMs: ms, attemptLatencyMs: ms, retries: 0 } satisfies RequestRecord);
    }
    for (let i = 0; i < 50; i++) sli.observe({ ...labels, verb: 'LIST', scope: 'namespace' }, 0.3 + i * 0.01);
    sli.observe({ ...labels, verb: 'WATCH', scope: 'namespace' }, 60);
    sli.observe({ ...labels, verb: 'GET', subresource: 'log' }, 30);
    sli.observe({ ...labels, group: 'example.com', resource: 'widgets' }, 30);
    for (let i = 0; i < 100; i++) podStart.observe(1 + i * 0.02);
    gauge.set({ queue: 'default' }, 42);
    await prometheus.waitForScrapes(2);
    window.endMs = Date.now();

    dir = await mkdtemp(join(tmpdir(), 'burn-profiles-'));
    await writeFile(join(dir, 'metrics.yaml'), [
      '- query: burn_test_queue_depth',
      '  metricName: queueDepth',
      '- query: max_over_time(burn_test_queue_depth[{{.elapsed}}])',
      '  metricName: queueDepthMax',
      '  instant: true',
      '- query: sum(rate(nonsense[',
      '  metricName: broken',
    ].join('\n'));
    await writeFile(join(dir, 'alerts.yaml'), [
      '- expr: burn_test_queue_depth > 40',
      '  description: queue {{$labels.queue}} is {{$value}} deep',
      '  severity: error',
      '- expr: burn_test_queue_depth > 1000',
      '  description: never',
      '  severity: critical',
    ].join('\n'));
    const endpoint: MetricsEndpoint = { endpoint: prometheus.url, token: '', username: '', password: '', stepMs: 1000, skipTLSVerify: true, metrics: [join(dir, 'metrics.yaml')], alerts: [join(dir, 'alerts.yaml')], alias: '' };
    const gatherers = gatherersFor({ sli: { mode: 'simple', customThresholds: [], allowedSlowCalls: 0 } });
    result = await collectFromEndpoints([await openEndpoint(endpoint)], gatherers, { uuid: 'u-1', jobName: 'job-a', window });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('grades API calls server side: counts exact, quantiles in the same bucket as the client-side figures', () => {
    const api = result.slis.filter((s): s is ApiCallSli => s.sli === 'apiCall');
    expect(api.map((s) => `${s.verb} ${s.resource} ${s.scope}`).sort()).toEqual(['LIST pods namespace', 'POST pods resource']);
    const server = api.find((s) => s.verb === 'POST')!;
    const client = apiLatencyResult(recorder, { uuid: 'u', jobName: 'j', customThresholds: [], allowedSlowCalls: 0 }).slis[0] as ApiCallSli;
    expect(server).toMatchObject({ source: 'prometheus', count: 1000, slowCount: 20 });
    expect(client.slowCount).toBe(20);
    for (const q of ['p50', 'p90', 'p99'] as const) {
      const [lower, upper] = bucketOf(client[q]);
      expect(server[q], q).toBeGreaterThanOrEqual(lower);
      expect(server[q], q).toBeLessThanOrEqual(upper);
    }
  });

  it("writes ClusterLoader2's APIResponsivenessPrometheus document", () => {
    const file = result.documents.find((d) => d.fileName === 'APIResponsivenessPrometheus_simple-job-a.json')!;
    const doc = file.docs[0] as any;
    expect(doc.version).toBe('v1');
    expect(doc.dataItems[0]).toMatchObject({ unit: 'ms', labels: { Verb: 'POST', Resource: 'pods', Subresource: '', Scope: 'resource', Count: '1000', SlowCount: '20' } });
    expect(Object.keys(doc.dataItems[0].data)).toEqual(['Perc50', 'Perc90', 'Perc99']);
  });

  it("reads the kubelet's pod startup SLI", () => {
    const pod = result.slis.find((s) => s.sli === 'podStartup')!;
    expect(pod).toMatchObject({ source: 'prometheus', count: 100 });
    expect(pod.p50).toBeGreaterThanOrEqual(1000);
    expect(pod.p50).toBeLessThanOrEqual(3000);
  });

  it('runs metrics profiles as range and instant queries with {{.elapsed}} rendered', () => {
    const range = result.documents.find((d) => d.fileName === 'queueDepth-job-a.json')!.docs as any[];
    expect(range.length).toBeGreaterThan(1);
    expect(range.at(-1)).toMatchObject({ metricName: 'queueDepth', value: 42, labels: { queue: 'default' }, uuid: 'u-1', jobName: 'job-a', query: 'burn_test_queue_depth' });
    expect(range.every((d) => !('__name__' in d.labels))).toBe(true); // kube-burner leaves the series name out
    const instant = result.documents.find((d) => d.fileName === 'queueDepthMax-job-a.json')!.docs as any[];
    expect(instant).toHaveLength(1);
    expect(instant[0].value).toBe(42);
    expect(instant[0].query).toMatch(/^max_over_time\(burn_test_queue_depth\[\d+s\]\)$/);
    expect(result.warnings!.some((w) => w.startsWith('metric broken'))).toBe(true);
  });

  it('fires alerts with rendered descriptions; error severity asks for exit 3, nothing critical fired', () => {
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts![0]).toMatchObject({ severity: 'error', message: 'queue default is 42 deep' });
    expect(alertsFail(result.alerts!)).toBe(true);
    expect(result.abortRun).toBe(false);
  });

  it('computes full mode (worst 1 m quantile over the window; 1 s subquery steps to fit a short test)', async () => {
    const client = new PrometheusClient({ endpoint: prometheus.url });
    try {
      const full = await apiResponsiveness(client, window, { mode: 'full', customThresholds: [], allowedSlowCalls: 0, fullModeStepSeconds: 1 });
      const post = full.slis.find((s) => s.verb === 'POST')!;
      expect(post.count).toBe(1000);
      expect(post.p99).toBeGreaterThan(1000);
    } finally {
      await client.close();
    }
  });

  it('burn check-alerts prints the fired alerts and exits 3 for severity error', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const flags = { prometheusUrl: prometheus.url, alertProfile: [join(dir, 'alerts.yaml')], start: window.startMs, end: window.endMs, duration: 0, step: 1000 };
    expect(await runCheckAlerts(flags, out)).toBe(3);
    expect(chunks.join('')).toMatch(/^ERROR\s+\S+ \.\. \S+\s+queue default is 42 deep\n1 alert\(s\) fired between/m);
    await writeFile(join(dir, 'quiet.yaml'), '- expr: burn_test_queue_depth > 1000\n  description: never\n  severity: critical\n');
    expect(await runCheckAlerts({ ...flags, alertProfile: [join(dir, 'quiet.yaml')] }, out)).toBe(0);
    await expect(runCheckAlerts({ ...flags, alertProfile: [join(dir, 'missing.yaml')] }, out)).rejects.toThrow(/cannot read profile .*missing.yaml: ENOENT/);
  });

  it('reports refused queries and unreachable endpoints clearly', async () => {
    const client = new PrometheusClient({ endpoint: prometheus.url });
    await expect(client.query('sum(', Date.now())).rejects.toBeInstanceOf(PrometheusQueryError);
    await client.close();
    const down = new PrometheusClient({ endpoint: 'http://127.0.0.1:1' });
    await expect(down.query('up', Date.now())).rejects.toThrow(UserError);
    await down.close();
  });
});
