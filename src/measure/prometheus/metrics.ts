/** Metric profiles: each query over the job's window, turned into kube-burner metric documents. */
import { documentFile, isoTime } from '../documents.js';
import { PREFLIGHT_ELAPSED, type GatherInput, type Gathered, type PrometheusGatherer } from './gatherer.js';
import { renderElapsed } from './profiles.js';

/** kube-burner's metric documents leave the series name out of the labels (it is the query's). */
function withoutName(metric: Record<string, string>): Record<string, string> {
  const { __name__: _name, ...labels } = metric;
  return labels;
}

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
      const docsOf = (metricName: string) => {
        const docs = byMetric.get(metricName) ?? [];
        byMetric.set(metricName, docs);
        const base = { uuid, query: expr, metricName, jobName, ...(settings.alias ? { endpoint: settings.alias } : {}) };
        return (timeMs: number, metric: Record<string, string>, value: number) => docs.push({ timestamp: isoTime(timeMs), labels: withoutName(metric), value: Number.isNaN(value) ? 0 : value, ...base });
      };
      const add = docsOf(q.metricName);
      const instantAt = async (timeMs: number, into: typeof add) => {
        for (const s of await client.query(expr, timeMs)) into(s.timeMs, s.metric, s.value);
      };
      try {
        if (q.instant) {
          if (q.captureStart) await instantAt(window.startMs, docsOf(`${q.metricName}-start`));
          await instantAt(window.endMs, add);
        } else {
          for (const series of await client.queryRange(expr, window.startMs, window.endMs, window.stepMs)) {
            for (const s of series.samples) add(s.timeMs, series.metric, s.value);
          }
          // kube-burner: a window that is not a whole number of steps also gets the value at its end.
          if ((window.endMs - window.startMs) % window.stepMs !== 0) await instantAt(window.endMs, add);
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
