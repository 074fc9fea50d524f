// The SIG API SLIs on a real control plane, two ways: burn's own /metrics scrape of the apiserver
// (apiServerSli, the default without Prometheus) and the e2e Prometheus (APIResponsivenessPrometheus,
// simple mode) over the same window. They must count the same calls and agree within the bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { createMeasurement } from '../../src/measure/index.js';
import { openEndpoint } from '../../src/measure/prometheus/endpoint.js';
import { collectFromEndpoints, gatherersFor } from '../../src/measure/prometheus/measurement.js';
import type { ApiCallSli, MeasurementContext, MeasurementResult } from '../../src/measure/types.js';
import { e2eTarget, eventually } from './cluster.js';

const target = e2eTarget();
const prometheusUrl = target.prometheusUrl;
const NAMESPACE = `burn-e2e-sli-${Date.now().toString(36)}`;
const CREATES = 200;

/** Resolves once Prometheus has scraped the apiserver after `afterMs` (its scrape interval is 5 s). */
async function scrapedAfter(afterMs: number): Promise<void> {
  await eventually(
    'a Prometheus scrape of the apiserver',
    async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent('timestamp(up{job="apiserver"})')}`);
      const answer = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
      const at = Number(answer.data.result[0]?.value[1] ?? 0) * 1000;
      return at > afterMs ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

function posts(result: MeasurementResult): ApiCallSli {
  return result.slis.find((s): s is ApiCallSli => s.sli === 'apiCall' && s.verb === 'POST' && s.resource === 'configmaps' && s.scope === 'resource')!;
}

describe.skipIf(!prometheusUrl)('API latency graded from a direct /metrics scrape and from Prometheus', () => {
  let client: KubeClient;

  beforeAll(async () => {
    client = await connectCluster({ kubeconfig: target.kubeconfig, qps: 100, burst: 20 });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    // The namespace's kube-root-ca.crt configmap is a POST too: let it land before the window opens.
    await eventually('kube-root-ca.crt in the namespace', async () => ((await client.get('v1', 'ConfigMap', 'kube-root-ca.crt', NAMESPACE, { notFoundOk: true })) ? true : undefined), { timeoutMs: 60_000 });
  });

  afterAll(async () => {
    await client?.delete('v1', 'Namespace', NAMESPACE, undefined, { notFoundOk: true });
    await client?.close();
  });

  it('counts the same creates and agrees within bucket resolution', async () => {
    const window = { startMs: 0, endMs: 0 };
    const measurement = createMeasurement('apiServerSli');
    const ctx: MeasurementContext = {
      client: client.unlimited(), uuid: 'e2e', runId: 'e2e', jobName: 'sli', labelSelector: '', metricsEndpoints: [], window: () => window,
    };
    await measurement.start(ctx);
    // Prometheus' window starts at its first scrape after burn's: nothing of ours happens in between.
    const startedMs = Date.now();
    await scrapedAfter(startedMs);
    window.startMs = Date.now();
    const job = client.withLimits({ qps: 100, burst: 20 });
    await Promise.all(Array.from({ length: CREATES }, (_, i) => job.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: NAMESPACE }, data: { i: String(i) } })));
    await measurement.stop();
    const stoppedMs = Date.now();
    await scrapedAfter(stoppedMs);
    window.endMs = Date.now();
    const direct = await measurement.collect();
    expect(direct.errors).toEqual([]);
    expect(direct.warnings).toEqual([]);

    const endpoint = await openEndpoint({ endpoint: prometheusUrl!, token: '', username: '', password: '', stepMs: 5000, skipTLSVerify: true, metrics: [], alerts: [], alias: '' });
    const gatherers = gatherersFor({ sli: { mode: 'simple', customThresholds: [], allowedSlowCalls: 0 } });
    const viaPrometheus = await collectFromEndpoints([endpoint], gatherers, { uuid: 'e2e', jobName: 'sli', window });
    await endpoint.client.close();

    const server = posts(direct);
    const prometheus = posts(viaPrometheus);
    // The API server counts every client's calls, ours and a few of the cluster's own (the controller-manager
    // publishes kube-root-ca.crt into namespaces earlier files left terminating or created): all of ours, few others.
    for (const figures of [server, prometheus]) {
      expect(figures.count).toBeGreaterThanOrEqual(CREATES);
      expect(figures.count).toBeLessThanOrEqual(CREATES + 20);
    }
    expect([server.source, prometheus.source]).toEqual(['server', 'prometheus']);
    // Same calls, same buckets: the same interpolation gives the same figures, up to float rounding; never more than the bucket apart.
    for (const q of ['p50', 'p90', 'p99'] as const) {
      const bounds = server.histogram!.boundsMs;
      const i = bounds.findIndex((b) => b >= server[q] - 1e-6);
      const width = i < 0 ? Number.POSITIVE_INFINITY : bounds[i]! - (i > 0 ? bounds[i - 1]! : 0);
      expect(Math.abs(server[q] - prometheus[q]), `${q}: server ${server[q]} vs prometheus ${prometheus[q]}`).toBeLessThanOrEqual(width);
    }
    expect(server.slowCount).toBe(prometheus.slowCount);
  });
});
