/**
 * Pod startup from the kubelets' kubelet_pod_start_sli_duration_seconds (creation -> all
 * containers started and observed via watch, image pulls excluded): every pod of the cluster
 * that started in the window, not only this run's. Quantiles at the histogram's bucket resolution,
 * from the counters' growth over the window (promql.ts).
 */
import type { PodStartupSli } from '../types.js';
import type { PrometheusClient } from './client.js';
import { rangeSecondsOf, windowDelta } from './promql.js';

export const POD_START_HISTOGRAM = 'kubelet_pod_start_sli_duration_seconds';

export async function kubeletPodStartup(prometheus: PrometheusClient, window: { startMs: number; endMs: number }): Promise<{ sli?: PodStartupSli; document: { version: 'v1'; dataItems: object[] } }> {
  const range = rangeSecondsOf(window);
  const value = async (expr: string): Promise<number> => {
    const [s] = await prometheus.query(expr, window.endMs);
    return s ? s.value : NaN;
  };
  const count = Math.round(await value(windowDelta(`${POD_START_HISTOGRAM}_count`, '', range)));
  const quantileMs = (q: number) => value(`histogram_quantile(${q}, ${windowDelta(`${POD_START_HISTOGRAM}_bucket`, 'le', range)})`).then((s) => s * 1000);
  const [p50, p90, p99] = [await quantileMs(0.5), await quantileMs(0.9), await quantileMs(0.99)];
  if (!(count > 0) || ![p50, p90, p99].every(Number.isFinite)) return { document: { version: 'v1', dataItems: [] } };
  return {
    sli: { sli: 'podStartup', source: 'prometheus', clock: 'server-histogram', count, p50, p90, p99, excluded: 0, neverReady: 0 },
    document: { version: 'v1', dataItems: [{ data: { Perc50: p50, Perc90: p90, Perc99: p99 }, unit: 'ms', labels: { Metric: 'pod_startup', Count: String(count) } }] },
  };
}
