// A real-control-plane run graded from both sides: the e2e Prometheus (server side) beside burn's client side.
import { afterAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/slo/index.js';
import { e2eTarget } from './cluster.js';
import { burnInit, expectPassedOrInconclusive, leftOnCluster, removeScratch, type JobSummary, type SloFile } from './fixtures/burn-run.js';

interface ResponsivenessItem { data: { Perc50: number; Perc90: number; Perc99: number }; labels: Record<string, string> }

const prometheusUrl = e2eTarget().prometheusUrl;

/** The apiserver's bucket upper bounds (ms) for a histogram, as Prometheus scraped them. */
async function bucketBoundsMs(metric: string, selector: string): Promise<number[]> {
  const query = `count by (le) (${metric}_bucket{${selector}})`;
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const answer = (await response.json()) as { data: { result: Array<{ metric: { le: string } }> } };
  return answer.data.result.map((r) => (r.metric.le === '+Inf' ? Infinity : Number(r.metric.le) * 1000)).sort((a, b) => a - b);
}

/** Index of the bucket a latency falls in: the first upper bound at or above it. */
function bucketIndex(boundsMs: number[], ms: number): number {
  return boundsMs.findIndex((upper) => ms <= upper + 1e-6);
}

afterAll(removeScratch);

describe.skipIf(!prometheusUrl)('a run graded with the e2e Prometheus', () => {
  it('grades creates server side, shows the client side beside it, and the two agree within a bucket', async () => {
    const run = await burnInit('test/e2e/fixtures/graded-prometheus.yaml');
    const { outcome } = run;
    expect(outcome.record.errors).toEqual([]);
    const graded = await run.read<SloFile>('slo.json');
    expectPassedOrInconclusive(outcome, graded);
    const [summary] = await run.read<JobSummary[]>('jobSummary.json');
    expect([summary!.passed, summary!.objectsCreated, summary!.requests]).toEqual([true, 120, 120]);
    expect(summary!.requests).toBeLessThanOrEqual(summary!.jobConfig.burst + summary!.jobConfig.qps * summary!.sendingTime + 1);

    const slo = await run.read<SloFile>('slo.json');
    const verdictsOf = (key: string): Verdict[] => slo.verdicts.filter((v) => v.key === key);
    const bounds = await bucketBoundsMs('apiserver_request_sli_duration_seconds', 'verb="POST", resource="deployments"');
    expect(bounds.length).toBeGreaterThan(5);
    const figures: string[] = [];
    for (const resource of ['configmaps', 'deployments', 'namespaces']) {
      const key = `POST ${resource} (resource)`;
      // Prometheus graded (binding); burn's own /metrics scrape (server) and the client side shown beside it.
      // The client figure is a diagnostic: whether it passes depends on this machine's load, so only its presence is checked.
      // Namespaces are created by burn's housekeeping client (origin 'burn'): no workload client figure for them.
      const workload = resource !== 'namespaces';
      const expected = [['prometheus', true, true], ['server', false, true], ...(workload ? [['client', false, true]] : [])];
      expect(verdictsOf(key).map((v) => [v.source, v.binding, v.source === 'client' || v.passed]), key).toEqual(expected);
      if (!workload) continue;
      const [server, , client] = verdictsOf(key) as [Verdict, Verdict, Verdict];
      figures.push(`${key}: server p99 ${server.value.toFixed(1)} ms over ${server.samples} calls, client p99 ${client.value.toFixed(1)} ms over ${client.samples}`);
      // The server sees every call burn made, and other clients' too: the controller-manager's kube-root-ca.crt
      // in each new namespace, and on a fresh cluster its bootstrap objects.
      expect(server.samples, key).toBeGreaterThanOrEqual(client.samples);
    }

    // Only burn creates Deployments here, so both sides measured the same 40 calls in the job's window.
    const [server, , client] = verdictsOf('POST deployments (resource)') as [Verdict, Verdict, Verdict];
    expect([server.samples, client.samples]).toEqual([40, 40]);
    // Each call lasts at least as long for the client as inside the server, so the server's p99 lies in the client's
    // bucket or one below; the client's extra (wire, TLS, its event loop) stays within one bucket.
    const serverBucket = bucketIndex(bounds, server.value);
    const clientBucket = bucketIndex(bounds, client.value);
    const why = `${figures.join('; ')}; buckets (ms) ${bounds.join(', ')}`;
    expect(clientBucket - serverBucket, why).toBeGreaterThanOrEqual(0);
    expect(clientBucket - serverBucket, why).toBeLessThanOrEqual(1);

    const [responsiveness] = await run.read<Array<{ version: string; dataItems: ResponsivenessItem[] }>>('APIResponsivenessPrometheus_simple-graded.json');
    const deploymentsItem = responsiveness!.dataItems.find((i) => i.labels.Verb === 'POST' && i.labels.Resource === 'deployments');
    expect(deploymentsItem?.data.Perc99, JSON.stringify(responsiveness!.dataItems.slice(0, 2))).toBeGreaterThan(0);
    console.log(`graded run: ${summary!.requests} creates at ${summary!.achievedQps}/s (qps ${summary!.jobConfig.qps}); ${figures.join('; ')}`);

    expect(await leftOnCluster(outcome.uuid)).toEqual([]);
  });
});
