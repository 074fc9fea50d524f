/** Builders for documents in kube-burner's form, shared by the latency measurements. */
import { nowMs } from '../shared/clock.js';
import type { LatencyClock, QuantileSummary } from './types.js';

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The collect time, as kube-burner stamps its quantile documents. */
export function collectTimestamp(): string {
  return isoTime(nowMs());
}

/** kube-burner's `*QuantilesMeasurement` document: whole ms, plus the clock the figures use. */
export function quantileDocument(
  summary: QuantileSummary,
  meta: { metricName: string; uuid: string; jobName: string; quantileName: string; timestamp: string },
  /** Units per ms of the figures: 1 (ms), or 1e6 where kube-burner writes nanoseconds (svcLatency). */
  unitsPerMs = 1,
): Record<string, unknown> {
  // kube-burner converts milliseconds with Go's int(): truncation (an average of 1766.67 ms is 1766;
  // the epsilon keeps float noise such as 2.9999999996 from losing one). Nanosecond figures are
  // integers in kube-burner (time.Duration): ours, derived from float ms, are rounded to them.
  const at = (ms: number) => (unitsPerMs === 1 ? Math.trunc(ms + (ms >= 0 ? 1e-6 : -1e-6)) : Math.round(ms * unitsPerMs));
  return {
    quantileName: meta.quantileName,
    uuid: meta.uuid,
    P99: at(summary.p99),
    P95: at(summary.p95),
    P50: at(summary.p50),
    min: at(summary.min),
    max: at(summary.max),
    avg: at(summary.avg),
    timestamp: meta.timestamp,
    metricName: meta.metricName,
    jobName: meta.jobName,
    clock: summary.clock,
    count: summary.count,
  };
}

export function documentFile(metricName: string, jobName: string, docs: object[]): { fileName: string; docs: object[] } {
  return { fileName: `${metricName}-${jobName}.json`, docs };
}

export const CLOCK_DESCRIPTION: Record<LatencyClock, string> = {
  'server-s': 'server timestamps (1 s precision)',
  'watch-ms': 'watch-observed times (ms)',
  'client-ms': 'client-side request latency (ms)',
  'server-histogram': 'apiserver/kubelet histogram (bucket resolution)',
};

/**
 * Gives every measurement document kube-burner's `metadata` field (the --user-metadata keys, then
 * the cluster's k8sVersion and totalNodes), as kube-burner stamps each document it indexes.
 */
export function stampDocumentMetadata(results: { documents: { docs: object[] }[] }[], metadata: Record<string, unknown>): void {
  for (const result of results) {
    for (const file of result.documents) {
      for (const doc of file.docs as Record<string, unknown>[]) if (!('metadata' in doc)) doc.metadata = metadata;
    }
  }
}

/**
 * kube-burner's `churnMetric: true` on the podLatency documents of pods created while the job churned
 * (after churn started, before it ended); absent on the others, as kube-burner leaves it out.
 */
export function markChurnDocuments(results: { documents: { docs: object[] }[] }[], churn: { startMs: number; endMs: number }): void {
  for (const result of results) {
    for (const file of result.documents) {
      for (const doc of file.docs as Record<string, unknown>[]) {
        if (doc.metricName !== 'podLatencyMeasurement' || typeof doc.timestamp !== 'string') continue;
        const created = Date.parse(doc.timestamp);
        if (created > churn.startMs && created < churn.endMs) doc.churnMetric = true;
      }
    }
  }
}
