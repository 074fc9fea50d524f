import type { MeasurementConfig, MetricsEndpoint } from '../config/index.js';
import { positionsOf } from './options.js';
import { measurementPlugins } from './plugins.js';

/**
 * Measurements burn runs even when the config does not list them, because SLO grading needs
 * them: apiServerSli (the API server's own SLI from its /metrics, graded against the SIG SLOs),
 * apiLatency (client side, a diagnostic), podLatency (pod startup SLI), saturation (burn and the
 * simulator watching their own event loops) and, when a metrics endpoint has a URL, prometheus
 * (server side SLIs, metrics and alert profiles). An entry the user wrote wins over the default of
 * the same name.
 */
export function withDefaultMeasurements(entries: MeasurementConfig[], metricsEndpoints: MetricsEndpoint[]): MeasurementConfig[] {
  const names = new Set(entries.map((e) => e.name));
  const defaults = ['apiServerSli', 'apiLatency', 'podLatency', 'saturation', ...(metricsEndpoints.some((e) => e.endpoint !== '') ? ['prometheus'] : [])];
  const added = defaults
    .filter((name) => !names.has(name))
    .map((name) => ({ name, options: measurementPlugins[name]!.parseOptions({}, positionsOf(`default measurement ${name}`)) as unknown }));
  return [...entries, ...added];
}
