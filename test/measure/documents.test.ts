import { describe, expect, it } from 'vitest';
import { markChurnDocuments, stampDocumentMetadata } from '../../src/measure/documents.js';

describe("kube-burner's fields on measurement documents", () => {
  it('stamps metadata (user metadata, then k8sVersion and totalNodes) on documents without it', () => {
    const pod = { metricName: 'podLatencyMeasurement' };
    const own = { metricName: 'x', metadata: { mine: true } };
    stampDocumentMetadata([{ documents: [{ docs: [pod, own] }] }], { team: 'a', k8sVersion: 'v1.34.4', totalNodes: 3 });
    expect(pod).toEqual({ metricName: 'podLatencyMeasurement', metadata: { team: 'a', k8sVersion: 'v1.34.4', totalNodes: 3 } });
    expect(own.metadata).toEqual({ mine: true });
  });

  it('marks podLatency documents of pods created while the job churned with churnMetric: true, and no others', () => {
    const at = (iso: string) => ({ metricName: 'podLatencyMeasurement', timestamp: iso });
    const before = at('2026-11-30T10:00:00Z');
    const during = at('2026-11-30T10:00:05Z');
    const after = at('2026-11-30T10:00:20Z');
    const quantile = { metricName: 'podLatencyQuantilesMeasurement', timestamp: '2026-11-30T10:00:05Z' };
    markChurnDocuments([{ documents: [{ docs: [before, during, after, quantile] }] }], { startMs: Date.parse('2026-11-30T10:00:01Z'), endMs: Date.parse('2026-11-30T10:00:10Z') });
    expect([before, during, after, quantile].map((d) => 'churnMetric' in d && (d as { churnMetric?: boolean }).churnMetric)).toEqual([false, true, false, false]);
  });
});
