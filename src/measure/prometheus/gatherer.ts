/**
 * One kind of figure the `prometheus` measurement gathers from a metrics endpoint over a job's
 * window: metric profiles, alerts, API responsiveness, kubelet pod startup. Each is its own module;
 * measurement.ts only chooses which run and merges what they return.
 */
import type { MetricsEndpoint } from '../../config/index.js';
import type { AlertOutcome, MeasurementResult, Sli } from '../types.js';
import type { PrometheusClient } from './client.js';
import type { AlertRule, MetricQuery } from './profiles.js';

/** {{.elapsed}} (and the window) in the preflight's parse check: any valid range does. */
export const PREFLIGHT_ELAPSED = '60s';
export const PREFLIGHT_RANGE_SECONDS = 60;

/** A metrics endpoint with its profiles loaded and its client open. */
export interface PrometheusEndpoint {
  settings: MetricsEndpoint;
  /** Its position in metricsEndpoints: which indexer gets its documents. */
  position: number;
  client: PrometheusClient;
  queries: MetricQuery[];
  rules: AlertRule[];
}

export interface GatherWindow {
  startMs: number;
  endMs: number;
  /** Range query resolution: the endpoint's `step`. */
  stepMs: number;
}

export interface GatherInput {
  endpoint: PrometheusEndpoint;
  window: GatherWindow;
  /** kube-burner's {{.elapsed}}: the window in whole seconds, like "300s". */
  elapsed: string;
  uuid: string;
  jobName: string;
}

export interface Gathered {
  documents?: MeasurementResult['documents'];
  slis?: Sli[];
  alerts?: AlertOutcome[];
  /** Lowers the result's quality without failing it (a refused profile query, as kube-burner). */
  warnings?: string[];
  /** The gatherer itself failed: its figures are missing. */
  errors?: string[];
}

/** A PromQL expression the gatherer will send, and where it comes from (for the preflight's message). */
export interface PlannedQuery {
  expr: string;
  origin: string;
}

export interface PrometheusGatherer {
  readonly name: string;
  /** `first`: only the first endpoint with a URL (the cluster's own SLIs); `all`: every one. */
  readonly endpoints: 'first' | 'all';
  /** What it will ask, so the preflight can check every expression parses before any load. */
  plannedQueries(endpoint: PrometheusEndpoint): PlannedQuery[];
  gather(input: GatherInput): Promise<Gathered>;
}
