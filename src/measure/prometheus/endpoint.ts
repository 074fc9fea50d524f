/** Opening a metrics endpoint (its profiles read, its client made) and checking it before any load. */
import type { MetricsEndpoint } from '../../config/index.js';
import { UserError } from '../../shared/errors.js';
import { PrometheusClient, PrometheusQueryError } from './client.js';
import type { PrometheusEndpoint, PrometheusGatherer } from './gatherer.js';
import { loadAlertProfile, loadMetricsProfile } from './profiles.js';

/** An entry without `endpoint` only says where documents go (kube-burner's indexer entry): nothing to query. */
export function hasPrometheus(settings: MetricsEndpoint): boolean {
  return settings.endpoint !== '';
}

export async function openEndpoint(settings: MetricsEndpoint, position = 0): Promise<PrometheusEndpoint> {
  const queries = (await Promise.all(settings.metrics.map(loadMetricsProfile))).flat();
  const rules = (await Promise.all(settings.alerts.map(loadAlertProfile))).flat();
  const client = new PrometheusClient({ endpoint: settings.endpoint, token: settings.token, username: settings.username, password: settings.password, skipTLSVerify: settings.skipTLSVerify });
  return { settings, position, client, queries, rules };
}

/**
 * Throws a UserError unless the endpoint answers as Prometheus, accepts the credentials, and parses
 * every expression the gatherers will send (each named by its profile file:line).
 */
export async function preflightEndpoint(endpoint: PrometheusEndpoint, gatherers: PrometheusGatherer[]): Promise<void> {
  const url = endpoint.client.endpoint;
  try {
    await endpoint.client.checkQuery('vector(1)');
  } catch (err) {
    if (err instanceof PrometheusQueryError) {
      throw new UserError(`metrics endpoint ${url} does not answer as Prometheus: ${err.message}`, { hint: 'the endpoint is the Prometheus base URL, e.g. http://prometheus:9090 (no /api/v1 path)' });
    }
    throw err; // unreachable or credentials refused: the client's UserError names the fix
  }
  const refused: string[] = [];
  for (const gatherer of gatherers) {
    for (const { expr, origin } of gatherer.plannedQueries(endpoint)) {
      try {
        await endpoint.client.checkQuery(expr);
      } catch (err) {
        if (!(err instanceof PrometheusQueryError)) throw err;
        refused.push(`${origin}: ${err.message}`);
      }
    }
  }
  if (refused.length > 0) {
    throw new UserError(`Prometheus at ${url} refuses ${refused.length} quer${refused.length === 1 ? 'y' : 'ies'}:\n  ${refused.join('\n  ')}`, {
      hint: 'fix the PromQL in the profile (or remove the entry); `{{.elapsed}}` is the only template variable',
    });
  }
}
