/**
 * Which API calls count toward the SIG-Scalability API call latency SLIs and the threshold each
 * key has (1 s for single objects, 30 s for LISTs in a namespace or the cluster), plus
 * ClusterLoader2's customThresholds. Shared by apiLatency (client side) and the Prometheus
 * measurement (server side), and read by src/slo.
 */
import type { ApiScope } from '../kube/index.js';
import type { OptionReader } from './options.js';

export const EXCLUDED_VERBS: readonly string[] = ['WATCH', 'CONNECT', 'WATCHLIST'];
export const EXCLUDED_SUBRESOURCES: readonly string[] = ['log', 'exec', 'portforward', 'attach', 'proxy'];
/** PromQL filter with the same exclusions (ClusterLoader2's). */
export const PROMQL_SLI_FILTER = `verb!~"WATCH|CONNECT|WATCHLIST", subresource!~"log|exec|portforward|attach|proxy"`;

export const SLO_RESOURCE_SCOPE_MS = 1000;
export const SLO_LIST_SCOPE_MS = 30_000;

/**
 * Built-in API groups: the core group, groups without a dot (apps, batch, ...) and *.k8s.io.
 * Anything else is a CRD or aggregated API, which the SLIs leave out.
 */
export function isBuiltInGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

export function countsTowardApiSli(call: { verb: string; subresource: string; group?: string }): boolean {
  return !EXCLUDED_VERBS.includes(call.verb) && !EXCLUDED_SUBRESOURCES.includes(call.subresource) && isBuiltInGroup(call.group ?? '');
}

export function sloThresholdMs(scope: ApiScope | string): number {
  return scope === 'resource' ? SLO_RESOURCE_SCOPE_MS : SLO_LIST_SCOPE_MS;
}

export interface ApiKey {
  verb: string;
  resource: string;
  subresource: string;
  scope: string;
}

export function apiKeyString(key: ApiKey): string {
  return `${key.verb} ${key.resource}${key.subresource ? `/${key.subresource}` : ''} (${key.scope})`;
}

/** ClusterLoader2's customThresholds entry; empty fields match any value. */
export interface CustomThreshold {
  verb: string;
  resource: string;
  subresource: string;
  scope: string;
  thresholdMs: number;
}

const SCOPES = ['resource', 'namespace', 'cluster'] as const;

/** Reads ClusterLoader2's `customThresholds: [{verb, resource, subresource, scope, threshold}]`. */
export function readCustomThresholds(options: OptionReader): CustomThreshold[] {
  return options.list(
    'customThresholds',
    (c) => {
      const threshold = {
        verb: c.string('verb', '').toUpperCase(),
        resource: c.string('resource', ''),
        subresource: c.string('subresource', ''),
        scope: c.oneOf<(typeof SCOPES)[number] | ''>('scope', SCOPES, ''),
        thresholdMs: c.duration('threshold', -1),
      };
      if (threshold.thresholdMs < 0) c.fail(undefined, `${c.what} has no threshold`, 'add threshold: 500ms');
      return threshold;
    },
    '[{verb: PUT, resource: leases, scope: namespace, threshold: 500ms}]',
  );
}

/** ClusterLoader2's `allowedSlowCalls`: a key passes while its slow calls stay within it. */
export function readAllowedSlowCalls(options: OptionReader): number {
  return options.int('allowedSlowCalls', 0, 0);
}

/** The custom threshold for a key, when one matches (the first that does). */
export function customThresholdFor(key: ApiKey, custom: CustomThreshold[]): number | undefined {
  const match = custom.find(
    (c) => (!c.verb || c.verb === key.verb) && (!c.resource || c.resource === key.resource) && (!c.subresource || c.subresource === key.subresource) && (!c.scope || c.scope === key.scope),
  );
  return match?.thresholdMs;
}
