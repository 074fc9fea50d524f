/**
 * Measurements: one interface (types.ts); each one a plugin in the explicit map of plugins.ts
 * (name, job types, typed options checked at load, factory); MeasurementSet runs a job's.
 */
export { measurementPlugins, measurementNames, createMeasurement, findMeasurementPlugin, unknownMeasurement, KUBE_BURNER_ONLY, KUBEVIRT_ONLY } from './plugins.js';
export { appliesTo, type MeasurementPlugin } from './plugin.js';
export { MeasurementOptionError, OptionReader, positionsOf, type OptionPath, type OptionPositions } from './options.js';
export { MeasurementSet, measurementsFor, type MeasurementSetPlan } from './set.js';
export { withDefaultMeasurements } from './defaults.js';
export { nearestRankQuantile, interpolatedRankQuantile, summarize, type QuantileMethod } from './quantiles.js';
export { markChurnDocuments, stampDocumentMetadata } from './documents.js';
export { PrometheusClient, PrometheusQueryError, type PrometheusConnection } from './prometheus/client.js';
export { alertsAbort, alertsFail } from './prometheus/alerts.js';
export { SATURATION_LOOP_DELAY_MS, SELF_DELAY_KINDS, saturationCause } from './saturation.js';
export type * from './types.js';
export { apiKeyString, sloThresholdMs, type ApiKey } from './api-sli.js';
export { checkAlerts, type CheckAlertsOptions } from './prometheus/check-alerts.js';
export { openEndpoint, preflightEndpoint, hasPrometheus } from './prometheus/endpoint.js';
export { collectFromEndpoints } from './prometheus/measurement.js';
export { metricsProfileGatherer } from './prometheus/metrics.js';
