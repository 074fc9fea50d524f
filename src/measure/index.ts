/**
 * Measurements: one interface (types.ts), each registered by the name users write in
 * `measurements:`. Importing this module registers all of them.
 */
import './pod-latency.js';
import './api-latency.js';
import './job-latency.js';
import './node-latency.js';
import './scheduling-throughput.js';
import './prometheus/measurement.js';
import './apiserver-sli.js';
import './saturation.js';

export { createMeasurement, measurementNames, registerMeasurement } from './registry.js';
export { withDefaultMeasurements } from './defaults.js';
export { nearestRankQuantile, interpolatedRankQuantile, summarize, type QuantileMethod } from './quantiles.js';
export { PrometheusClient, PrometheusQueryError, type PrometheusConnection } from './prometheus/client.js';
export { alertsAbort, alertsFail } from './prometheus/alerts.js';
export type * from './types.js';
