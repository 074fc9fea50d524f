/** Metric profiles: each query over the job's window, turned into kube-burner metric documents. */
import { documentFile, isoTime } from '../documents.js';
import { PREFLIGHT_ELAPSED, type GatherInput, type Gathered, type PrometheusGatherer } from './gatherer.js';
import { renderElapsed } from './profiles.js';

export const metricsProfileGatherer: PrometheusGatherer = {
  name: 'metric profiles',
  endpoints: 'all',
  plannedQueries: (endpoint) =>
    endpoint.queries.map((q) => ({ expr: renderElapsed(q.query, PREFLIGHT_ELAPSED), origin: `metrics profile ${q.origin} (metricName ${q.metricName})` })),
  async gather({ endpoint, window, elapsed, uuid, jobName }: GatherInput): Promise<Gathered> {
    const { client, settings } = endpoint;
    const byMetric = new Map<string, object[]>();
    const warnings: string[] = [];
    for (const q of endpoint.queries) {
      const expr = renderElapsed(q.query, elapsed);
      const base = { uuid, query: expr, metricName: q.metricName, jobName, ...(settings.alias ? { endpoint: settings.alias } : {}) };
      const docs = byMetric.get(q.metricName) ?? [];
      byMetric.set(q.metricName, docs);
      try {
        if (q.instant) {
          for (const s of await client.query(expr, window.endMs)) docs.push({ timestamp: isoTime(s.timeMs), labels: s.metric, value: s.value, ...base });
        } else {
          for (const series of await client.queryRange(expr, window.startMs, window.endMs, window.stepMs)) {
            for (const s of series.samples) docs.push({ timestamp: isoTime(s.timeMs), labels: series.metric, value: s.value, ...base });
          }
        }
      } catch (err) {
        // kube-burner carries on without a query Prometheus refused, and so does burn (said in the warnings).
        warnings.push(`metric ${q.metricName} (${client.endpoint}): ${(err as Error).message}`);
      }
    }
    const documents = [...byMetric].map(([metricName, docs]) => ({ ...documentFile(metricName, jobName, docs), index: { metricName, endpoint: endpoint.position } }));
    return { documents, warnings };
  },
};
