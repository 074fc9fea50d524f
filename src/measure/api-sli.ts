/**
 * Which API calls count toward the SIG-Scalability API call latency SLIs and the threshold each
 * key has (1 s for single objects, 30 s for LISTs in a namespace or the cluster), plus
 * ClusterLoader2's customThresholds. Shared by apiLatency (client side) and the Prometheus
 * measurement (server side), and read by src/slo.
 */
import { UserError } from '../shared/errors.js';
import type { ApiScope } from '../kube/types.js';
import { parseDurationMs } from './duration.js';

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

/** Reads `customThresholds` (a list, or a YAML string of one as ClusterLoader2 takes it, already parsed). */
export function parseCustomThresholds(measurement: string, raw: unknown): CustomThreshold[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new UserError(`${measurement}.customThresholds must be a list`, { hint: 'customThresholds: [{verb: PUT, resource: leases, scope: namespace, threshold: 500ms}]' });
  }
  return raw.map((entry: any, i: number) => {
    const where = `${measurement}.customThresholds[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new UserError(`${where} must be a map with verb, resource, threshold`);
    return {
      verb: String(entry.verb ?? '').toUpperCase(),
      resource: String(entry.resource ?? ''),
      subresource: String(entry.subresource ?? ''),
      scope: String(entry.scope ?? ''),
      thresholdMs: parseDurationMs(entry.threshold, `${where}.threshold`),
    };
  });
}

export function parseAllowedSlowCalls(measurement: string, raw: unknown): number {
  if (raw === undefined || raw === null) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${measurement}.allowedSlowCalls: "${String(raw)}" must be a whole number >= 0`);
  return n;
}

/** The custom threshold for a key, when one matches (the first that does). */
export function customThresholdFor(key: ApiKey, custom: CustomThreshold[]): number | undefined {
  const match = custom.find(
    (c) => (!c.verb || c.verb === key.verb) && (!c.resource || c.resource === key.resource) && (!c.subresource || c.subresource === key.subresource) && (!c.scope || c.scope === key.scope),
  );
  return match?.thresholdMs;
}
