/** kube-burner's latency thresholds: `{conditionType, metric: P99|P95|P50|Avg|Max, threshold: "2s"}`. */
import type { OptionReader } from './options.js';
import type { QuantileSummary, ThresholdResult } from './types.js';

export const THRESHOLD_METRICS = ['P99', 'P95', 'P50', 'Avg', 'Max'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

export interface LatencyThreshold {
  conditionType: string;
  metric: ThresholdMetric;
  thresholdMs: number;
}

/** Reads `thresholds:` of a measurement entry; each problem is reported at its key. */
export function readLatencyThresholds(options: OptionReader, conditionTypes: readonly string[]): LatencyThreshold[] {
  return options.list(
    'thresholds',
    (t) => {
      const conditionType = t.oneOf('conditionType', conditionTypes, '');
      if (!conditionType) t.fail(undefined, `${t.what} has no conditionType`, `add conditionType: one of ${conditionTypes.join(', ')}`);
      const metric = t.oneOf('metric', THRESHOLD_METRICS, 'P99');
      const thresholdMs = t.duration('threshold', -1);
      if (thresholdMs < 0) t.fail(undefined, `${t.what} has no threshold`, 'add threshold: 2s');
      return { conditionType, metric, thresholdMs };
    },
    `[{conditionType: ${conditionTypes.includes('Ready') ? 'Ready' : conditionTypes[0]}, metric: P99, threshold: 2s}]`,
  );
}

function metricValue(summary: QuantileSummary, metric: ThresholdMetric): number {
  switch (metric) {
    case 'P99': return Math.round(summary.p99);
    case 'P95': return Math.round(summary.p95);
    case 'P50': return Math.round(summary.p50);
    case 'Avg': return Math.round(summary.avg);
    case 'Max': return Math.round(summary.max);
  }
}

/**
 * Checks each threshold against the summary named by its conditionType. No summary means no
 * samples (a job that creates no pods): nothing to fail, so it passes as kube-burner's does, and says "no samples".
 */
export function checkLatencyThresholds(measurement: string, thresholds: LatencyThreshold[], summaries: Map<string, QuantileSummary>): ThresholdResult[] {
  return thresholds.map((t) => {
    const key = `${measurement} ${t.conditionType} ${t.metric}`;
    const summary = summaries.get(t.conditionType);
    if (!summary || summary.count === 0) {
      return { key, value: 0, threshold: t.thresholdMs, unit: 'ms', passed: true, noSamples: true, message: `${key}: no samples (threshold ${t.thresholdMs}ms not applied)` };
    }
    const value = metricValue(summary, t.metric);
    const passed = value <= t.thresholdMs;
    const over = `${summary.count} samples${t.metric === 'P99' && summary.p99IsMax ? ', fewer than 100: P99 is the maximum' : ''}`;
    return {
      key,
      value,
      threshold: t.thresholdMs,
      unit: 'ms',
      passed,
      message: passed
        ? `${key} ${value}ms <= ${t.thresholdMs}ms (${over})`
        : `${key} latency (${value}ms) higher than the configured threshold (${t.thresholdMs}ms) (${over})`,
    };
  });
}

/** Thresholds on a quantity this cluster cannot show (why): neither passed nor failed; the grader makes them inconclusive. */
export function notMeasurableThresholds(measurement: string, thresholds: LatencyThreshold[], reason: string): ThresholdResult[] {
  return thresholds.map((t) => {
    const key = `${measurement} ${t.conditionType} ${t.metric}`;
    return { key, value: NaN, threshold: t.thresholdMs, unit: 'ms', passed: false, notMeasurable: reason, message: `${key}: not measurable (${reason}); threshold ${t.thresholdMs}ms not applied` };
  });
}
