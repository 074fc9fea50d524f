/**
 * Which documents of a run go to which indexer, under which name, as kube-burner v2.7.3 sends them:
 * every indexer gets each job's measurement documents (`<metricName>-<job>`) and the job summaries
 * (`jobSummary`); an endpoint's metric profile documents (`<metricName>`, all jobs in one) and its
 * alerts (`alert`) go to that endpoint's indexer only. A job with `skipIndexing: true` sends nothing.
 */
import type { MeasurementConfig } from '../config/index.js';
import type { AlertOutcome, MeasurementResult } from '../measure/index.js';
import { jobSummaryDocument, type RunRecord } from '../report/index.js';
import type { DocumentBatch } from './types.js';

/** A batch and where it goes: the indexer of metricsEndpoints[endpoint] only, the indexer called `alias` only, or every indexer. */
export interface RoutedBatch extends DocumentBatch {
  endpoint?: number;
  alias?: string;
}

/** One job's measurement results, as the run kept them, and its measurements' settings. */
export interface JobResults {
  name: string;
  skipIndexing: boolean;
  results: MeasurementResult[];
  measurements?: MeasurementConfig[];
}

/** The documents kube-burner sends to a measurement's timeseriesIndexer and quantilesIndexer (pkg/measurements). */
const TIMESERIES = new Set(['podLatencyMeasurement', 'svcLatencyMeasurement', 'nodeLatencyMeasurement', 'pvcLatencyMeasurement']);
const QUANTILES = new Set(['podLatencyQuantilesMeasurement', 'svcLatencyQuantilesMeasurement', 'nodeLatencyQuantilesMeasurement', 'pvcLatencyQuantilesMeasurement']);

/** The indexer alias a measurement document file is limited to, if its measurement names one. */
function aliasFor(stem: string, job: string, settings: MeasurementConfig | undefined): string | undefined {
  if (!settings || !stem.endsWith(`-${job}`)) return undefined;
  const metricName = stem.slice(0, -(job.length + 1));
  if (TIMESERIES.has(metricName)) return settings.timeseriesIndexer;
  if (QUANTILES.has(metricName)) return settings.quantilesIndexer;
  return undefined;
}

/** kube-burner's alert document (pkg/alerting): when it fired first, and the rendered description. */
export function alertDocument(alert: AlertOutcome, uuid: string, metadata: Record<string, unknown>): Record<string, unknown> {
  return {
    timestamp: new Date(alert.firstMs).toISOString(),
    uuid,
    severity: alert.severity,
    description: alert.message || alert.description,
    metricName: 'alert',
    ...(Object.keys(metadata).length ? { metadata } : {}),
  };
}

/** The alerts of a time range as kube-burner's `alert` batch, for the endpoint that evaluated them. */
export function alertBatch(alerts: AlertOutcome[], uuid: string, metadata: Record<string, unknown>, endpoint?: number): RoutedBatch[] {
  return alerts.length ? [{ metricName: 'alert', docs: alerts.map((a) => alertDocument(a, uuid, metadata)), endpoint }] : [];
}

/**
 * Measurements' documents as batches: metric profiles under their metricName for their endpoint, the
 * rest under the file name (for every indexer, or the measurement's timeseriesIndexer/quantilesIndexer).
 */
export function resultBatches(results: MeasurementResult[], job?: Pick<JobResults, 'name' | 'measurements'>): RoutedBatch[] {
  return results.flatMap((r) =>
    r.documents.map((file): RoutedBatch => {
      if (file.index) return { metricName: file.index.metricName, docs: file.docs, endpoint: file.index.endpoint };
      const metricName = file.fileName.replace(/\.json$/, '');
      const alias = job && aliasFor(metricName, job.name, job.measurements?.find((m) => m.name === r.name));
      return alias ? { metricName, docs: file.docs, alias } : { metricName, docs: file.docs };
    }),
  );
}

export function runBatches(record: RunRecord, jobs: JobResults[]): RoutedBatch[] {
  const indexed = jobs.filter((j) => !j.skipIndexing);
  const names = new Set(indexed.map((j) => j.name));
  const summaries = record.jobs.filter((j) => names.has(j.name)).map((j) => jobSummaryDocument(record, j));
  const alerts = indexed.flatMap((j) => j.results.flatMap((r) => r.alerts ?? []));
  const byEndpoint = new Map<number | undefined, AlertOutcome[]>();
  for (const a of alerts) byEndpoint.set(a.endpoint, [...(byEndpoint.get(a.endpoint) ?? []), a]);
  return [
    ...indexed.flatMap((j) => resultBatches(j.results, j)),
    ...(summaries.length ? [{ metricName: 'jobSummary', docs: summaries }] : []),
    ...[...byEndpoint].flatMap(([endpoint, list]) => alertBatch(list, record.uuid, record.metadata, endpoint)),
  ];
}
