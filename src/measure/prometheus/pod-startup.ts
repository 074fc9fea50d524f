/**
 * Pod startup from the kubelets' kubelet_pod_start_sli_duration_seconds (creation -> all
 * containers started and observed via watch, image pulls excluded): every pod of the cluster
 * that started in the window, not only this run's. Quantiles at the histogram's bucket resolution,
 * from the counters' growth over the window (promql.ts).
 */
import type { PodStartupSli } from '../types.js';
import { documentFile } from '../documents.js';
import type { PrometheusClient } from './client.js';
import { PREFLIGHT_RANGE_SECONDS, type PrometheusGatherer } from './gatherer.js';
import { rangeSecondsOf, windowDelta } from './promql.js';

export const POD_START_HISTOGRAM = 'kubelet_pod_start_sli_duration_seconds';

const countQuery = (range: number) => windowDelta(`${POD_START_HISTOGRAM}_count`, '', range);
const quantileQuery = (q: number, range: number) => `histogram_quantile(${q}, ${windowDelta(`${POD_START_HISTOGRAM}_bucket`, 'le', range)})`;

export async function kubeletPodStartup(prometheus: PrometheusClient, window: { startMs: number; endMs: number }): Promise<{ sli?: PodStartupSli; document: { version: 'v1'; dataItems: object[] } }> {
  const range = rangeSecondsOf(window);
  const value = async (expr: string): Promise<number> => {
    const [s] = await prometheus.query(expr, window.endMs);
    return s ? s.value : NaN;
  };
  const count = Math.round(await value(countQuery(range)));
  const quantileMs = (q: number) => value(quantileQuery(q, range)).then((s) => s * 1000);
  const [p50, p90, p99] = [await quantileMs(0.5), await quantileMs(0.9), await quantileMs(0.99)];
  if (!(count > 0) || ![p50, p90, p99].every(Number.isFinite)) return { document: { version: 'v1', dataItems: [] } };
  return {
    sli: { sli: 'podStartup', source: 'prometheus', clock: 'server-histogram', count, p50, p90, p99, excluded: 0, neverReady: 0 },
    document: { version: 'v1', dataItems: [{ data: { Perc50: p50, Perc90: p90, Perc99: p99 }, unit: 'ms', labels: { Metric: 'pod_startup', Count: String(count) } }] },
  };
}

export const kubeletPodStartupGatherer: PrometheusGatherer = {
  name: 'kubelet pod startup',
  endpoints: 'first',
  plannedQueries: () => [countQuery(PREFLIGHT_RANGE_SECONDS), quantileQuery(0.99, PREFLIGHT_RANGE_SECONDS)].map((expr) => ({ expr, origin: "kubelet pod startup (burn's own query)" })),
  async gather({ endpoint, window, jobName }) {
    try {
      const pods = await kubeletPodStartup(endpoint.client, window);
      return {
        slis: pods.sli ? [pods.sli] : [],
        documents: [documentFile('PodStartupLatencyPrometheus', jobName, [pods.document])],
        warnings: pods.sli ? [] : [`${endpoint.client.endpoint} has no ${POD_START_HISTOGRAM} samples in the window (no kubelet metrics scraped, e.g. kwok nodes): pod startup is graded from burn's watch only`],
      };
    } catch (err) {
      return { errors: [`kubelet pod startup from ${endpoint.client.endpoint}: ${(err as Error).message}`] };
    }
  },
};
