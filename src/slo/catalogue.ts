/**
 * The SIG-Scalability SLO catalogue burn grades by default (p99 per key):
 * - mutating API calls (POST, PUT, PATCH, DELETE, DELETECOLLECTION) per (resource, verb): 1 s;
 * - read-only GET of one object, per resource: 1 s;
 * - LIST in a namespace or across the cluster: 30 s;
 * - pod startup (stateless, schedulable, image pull excluded): 5 s.
 * WATCH, CONNECT, proxy/exec/attach/portforward/log and CRDs are left out (src/measure/api-sli.ts).
 */
import { sloThresholdMs } from '../measure/index.js';
import type { ApiCallSli } from '../measure/index.js';

export const POD_STARTUP_SLO_MS = 5000;
export const POD_STARTUP_SLO = 'Pod startup latency';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'DELETECOLLECTION']);

/** The SLO a call key belongs to, named as the SIG names it. */
export function apiSloName(verb: string, scope: string): string {
  if (MUTATING.has(verb)) return scope === 'resource' ? 'Mutating API call latency' : `Mutating API call latency (${scope})`;
  return `Read-only API call latency (${scope})`;
}

/** The threshold that applies to an API SLI: its custom threshold, else the SLO's. */
export function apiThresholdMs(sli: ApiCallSli): number {
  return sli.thresholdMs ?? sloThresholdMs(sli.scope);
}
