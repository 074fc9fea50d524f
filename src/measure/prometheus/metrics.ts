/** Runs a metrics profile over a job's window and turns the answers into kube-burner metric documents. */
import { documentFile, isoTime } from '../documents.js';
import type { PrometheusClient } from './client.js';
import { renderElapsed, type MetricQuery } from './profiles.js';

export interface MetricWindow {
  startMs: number;
  endMs: number;
  stepMs: number;
}

export interface MetricsProfileOutcome {
  documents: Array<{ fileName: string; docs: object[] }>;
  /** Queries Prometheus refused; kube-burner carries on without them, and so does burn. */
  warnings: string[];
}

export async function collectMetricsProfile(
  prometheus: PrometheusClient,
  queries: MetricQuery[],
  window: MetricWindow,
  meta: { uuid: string; jobName: string; elapsed: string; alias?: string },
): Promise<MetricsProfileOutcome> {
  const byMetric = new Map<string, object[]>();
  const warnings: string[] = [];
  for (const q of queries) {
    const expr = renderElapsed(q.query, meta.elapsed);
    const base = { uuid: meta.uuid, query: expr, metricName: q.metricName, jobName: meta.jobName, ...(meta.alias ? { endpoint: meta.alias } : {}) };
    const docs = byMetric.get(q.metricName) ?? [];
    byMetric.set(q.metricName, docs);
    try {
      if (q.instant) {
        for (const s of await prometheus.query(expr, window.endMs)) {
          docs.push({ timestamp: isoTime(s.timeMs), labels: s.metric, value: s.value, ...base });
        }
      } else {
        for (const series of await prometheus.queryRange(expr, window.startMs, window.endMs, window.stepMs)) {
          for (const s of series.samples) docs.push({ timestamp: isoTime(s.timeMs), labels: series.metric, value: s.value, ...base });
        }
      }
    } catch (err) {
      warnings.push(`metric ${q.metricName} (${prometheus.endpoint}): ${(err as Error).message}`);
    }
  }
  return { documents: [...byMetric].map(([metricName, docs]) => documentFile(metricName, meta.jobName, docs)), warnings };
}
