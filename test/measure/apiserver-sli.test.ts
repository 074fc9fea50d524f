/**
 * apiServerSli: the SIG API SLIs from burn's own scrape of the API server's /metrics, on the
 * simulator over HTTPS (its apiserver_request_sli_duration_seconds has the real buckets), and the
 * pure parts: the histogram difference, interpolation, bucket resolution, coverage of replicas.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { serverSlis, sliSnapshot, snapshotDifference, mergeDifferences } from '../../src/measure/apiserver-sli.js';
import { createMeasurement } from '../../src/measure/index.js';
import { MetricsTextReader, parseMetricsText, type TextSample } from '../../src/measure/metrics-text.js';
import type { ApiCallSli, MeasurementContext, MeasurementResult } from '../../src/measure/types.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

function metrics(counts: Record<string, number[]>, les = ['0.05', '0.1', '0.2', '1', '+Inf']): TextSample[] {
  const lines = ['# HELP apiserver_request_sli_duration_seconds x', '# TYPE apiserver_request_sli_duration_seconds histogram'];
  for (const [key, cumulative] of Object.entries(counts)) {
    const [verb, resource, scope, subresource = ''] = key.split(' ');
    les.forEach((le, i) => lines.push(`apiserver_request_sli_duration_seconds_bucket{component="apiserver",group="",resource="${resource}",scope="${scope}",subresource="${subresource}",verb="${verb}",version="v1",le="${le}"} ${cumulative[i]}`));
  }
  return parseMetricsText(lines.join('\n') + '\n');
}

describe('apiServerSli figures', () => {
  it('parses the text format, escapes and special values included', () => {
    const samples = parseMetricsText('# c\nm_total{a="x\\"y",b="1\\\\2"} 3 1700000000\nm_inf{le="+Inf"} +Inf\nm_mixed{plain="p",nl="a\\nb",last="q"} 2\nother 1\n', ['m_total', 'm_inf', 'm_mixed']);
    expect(samples).toEqual([
      { name: 'm_total', labels: { a: 'x"y', b: '1\\2' }, value: 3 },
      { name: 'm_inf', labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY },
      { name: 'm_mixed', labels: { plain: 'p', nl: 'a\nb', last: 'q' }, value: 2 },
    ]);
  });

  it('reads the same samples from bytes in chunks of any size, decoding only the lines asked for', () => {
    const text = [
      '# HELP m_total a counter',
      'm_total{a="x\\"y",b="é"} 3 1700000000',
      '  m_total{a="lead"} 4',
      'm_totality 5',
      'm_inf{le="+Inf"} +Inf',
      `other{long="${'z'.repeat(300)}"} 1`,
      'm',
      'm_total 6',
    ].join('\n');
    const names = ['m_total', 'm_inf'];
    const expected = parseMetricsText(text, names);
    expect(expected.map((s) => s.value)).toEqual([3, 4, Number.POSITIVE_INFINITY, 6]);
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 7, 8, 9, 64, bytes.length]) {
      const reader = new MetricsTextReader(names);
      for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
      reader.end();
      expect(reader.samples, `chunks of ${size} bytes`).toEqual(expected);
    }
  });

  it('grades the difference between the start and end scrapes, WATCH and streaming subresources left out', () => {
    const start = sliSnapshot(metrics({ 'POST pods resource': [10, 10, 10, 10, 10], 'WATCH pods namespace': [5, 5, 5, 5, 5] }));
    const end = sliSnapshot(metrics({
      'POST pods resource': [60, 150, 210, 210, 210], // 200 new calls: 50 <= 50 ms, 90 in (50, 100], 60 in (100, 200]
      'WATCH pods namespace': [50, 50, 50, 50, 50],
      'GET pods resource log': [3, 3, 3, 3, 3],
      'LIST pods namespace': [0, 0, 0, 1, 2], // 2 calls: one under 1 s, one above the last bound
    }));
    const { slis, document } = serverSlis(snapshotDifference(start, end), { customThresholds: [], allowedSlowCalls: 0 });
    expect(slis.map((s) => `${s.verb} ${s.resource}`).sort()).toEqual(['LIST pods', 'POST pods']);
    const post = slis.find((s) => s.verb === 'POST')!;
    expect(post).toMatchObject({ source: 'server', count: 200, slowCount: 0, scope: 'resource' });
    expect(post.p50).toBeCloseTo(50 + 50 * (50 / 90)); // rank 100: 50 below, 50 of the 90 in (50, 100]
    expect(post.p99).toBeCloseTo(100 + 100 * (58 / 60)); // rank 198: 140 below, 58 of the 60 in (100, 200]
    expect(post.resolutionMs).toBe(100); // the bucket holding the p99 is (100, 200]
    expect(post.p99IsMax).toBeUndefined();
    expect(post.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(200);
    // Under 100 calls the P99 is the maximum: the upper bound of the highest bucket with calls (the last bound for the overflow).
    const list = slis.find((s) => s.verb === 'LIST')!;
    expect(list).toMatchObject({ count: 2, p99: 1000, p99IsMax: true });
    expect(document.dataItems).toHaveLength(2);
  });

  it('counts a restarted API server from zero, and adds replicas key by key', () => {
    const start = sliSnapshot(metrics({ 'POST pods resource': [500, 500, 500, 500, 500] }));
    const restarted = sliSnapshot(metrics({ 'POST pods resource': [4, 4, 4, 4, 4] }));
    const other = sliSnapshot(metrics({ 'POST pods resource': [0, 0, 6, 6, 6] }));
    const merged = mergeDifferences([snapshotDifference(start, restarted), snapshotDifference(new Map(), other)]);
    const [post] = serverSlis(merged, { customThresholds: [], allowedSlowCalls: 0, coverage: '2 of 3 API servers' }).slis;
    expect(post).toMatchObject({ count: 10, coverage: '2 of 3 API servers' });
  });
});

describe('apiServerSli on the simulator', () => {
  let sim: RunningSim;
  let dir: string;
  let client: KubeClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-sli-'));
    sim = await startSim({ nodes: 2, seed: 3, kubeconfigOut: join(dir, 'kubeconfig') });
    client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), env: {}, qps: 200, burst: 50 });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sli' } });
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function measure(work: () => Promise<unknown>): Promise<{ server: MeasurementResult; clientSide: MeasurementResult }> {
    const ctx = (_name: string): MeasurementContext => ({
      client: client.unlimited(), uuid: 'u', runId: 'r', jobName: 'j', labelSelector: 'burn.dev/uuid=u', metricsEndpoints: [], window: () => ({ startMs: 0 }),
    });
    const server = createMeasurement('apiServerSli');
    const clientSide = createMeasurement('apiLatency');
    await server.start(ctx('apiServerSli'));
    await clientSide.start(ctx('apiLatency'));
    await work();
    for (const m of [clientSide, server]) await m.stop();
    return { server: await server.collect(), clientSide: await clientSide.collect() };
  }

  it("counts exactly the job's calls and agrees with the client side within bucket resolution", async () => {
    const job = client.withLimits({ qps: 200, burst: 50 });
    const { server, clientSide } = await measure(() =>
      Promise.all(Array.from({ length: 150 }, (_, i) => job.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'sli' }, data: { i: String(i) } }))),
    );
    expect(server.errors).toEqual([]);
    expect(server.warnings).toEqual([]);
    const serverPost = server.slis.find((s): s is ApiCallSli => s.sli === 'apiCall' && s.verb === 'POST' && s.resource === 'configmaps')!;
    const clientPost = clientSide.slis.find((s): s is ApiCallSli => s.sli === 'apiCall' && s.verb === 'POST' && s.resource === 'configmaps')!;
    // The scrapes themselves are GETs of /metrics (not a resource): only the 150 creates are POSTs of configmaps.
    expect(serverPost).toMatchObject({ source: 'server', count: 150, scope: 'resource' });
    expect(serverPost.coverage).toBeUndefined();
    expect(server.documents[0]!.fileName).toBe('APIResponsivenessServerScrape-j.json');
    // The server's time is inside the client's (the client adds the wire and both event loops): its p99 lies at most in the client's bucket.
    const bucketAbove = serverPost.histogram!.boundsMs.find((b) => b >= clientPost.p99) ?? Number.POSITIVE_INFINITY;
    expect(serverPost.p99).toBeLessThanOrEqual(bucketAbove);
  });

  it('scrapes each API server of the kubernetes EndpointSlice and states the coverage when one cannot be reached', async () => {
    const port = Number(new URL(sim.url).port);
    // Two API servers: the simulator, and an address where nothing listens.
    await client.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }, { addresses: ['127.0.0.2'], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    });
    try {
      const job = client.withLimits({ qps: 200, burst: 50 });
      const { server } = await measure(() => Promise.all(Array.from({ length: 20 }, (_, i) => job.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `ha-${i}`, namespace: 'sli' } }))));
      const post = server.slis.find((s): s is ApiCallSli => s.sli === 'apiCall' && s.verb === 'POST' && s.resource === 'configmaps')!;
      expect(post).toMatchObject({ count: 20, coverage: '1 of 2 API servers' });
      expect(server.warnings).toHaveLength(1);
      expect(server.warnings![0]).toMatch(/cannot scrape \/metrics of 1 of 2 API servers \(127\.0\.0\.2:\d+: .*\): the server-side API SLIs cover 1 of 2 API servers only; configure a Prometheus/);
    } finally {
      await client.delete('discovery.k8s.io/v1', 'EndpointSlice', 'kubernetes', 'default');
    }
  });
});
