/**
 * Measurements burn runs even when the config does not list them, because SLO grading needs
 * them: apiServerSli (the API server's own SLI from its /metrics, graded against the SIG SLOs),
 * apiLatency (client side, a diagnostic), podLatency (pod startup SLI), saturation (burn and the
 * simulator watching their own event loops) and, when metricsEndpoints are configured,
 * prometheus (server side SLIs, metrics and alert profiles). An entry the user wrote wins over
 * the default of the same name.
 */
export function withDefaultMeasurements<T extends { name: string }>(entries: T[], metricsEndpoints: unknown[]): Array<T | { name: string }> {
  const names = new Set(entries.map((e) => e.name));
  const defaults = ['apiServerSli', 'apiLatency', 'podLatency', 'saturation', ...(metricsEndpoints.length > 0 ? ['prometheus'] : [])];
  return [...entries, ...defaults.filter((n) => !names.has(n)).map((name) => ({ name }))];
}
