import { apiVerb, parseResourcePath, splitApiVersion } from './paths.js';
import type { ApiVerb } from './types.js';

/**
 * What burn needs the API server to allow, in RBAC's terms: each module that sends requests
 * declares its needs next to the code that sends them, and `burn rbac` merges them into roles.
 */

export type RbacVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceAccess {
  /** API group ("" for core). */
  group: string;
  /** Plural resource, with "/subresource" when it is one (pods/exec). */
  resource: string;
  verbs: readonly RbacVerb[];
  /**
   * A namespace that exists before the run (the run Lease lives in `default`): a Role there can
   * grant it. Absent: any namespace (the run's own, created as it goes) or cluster-scoped.
   */
  namespace?: string;
  /** Why, for the comment above the rule. */
  why: string;
}

export interface UrlAccess {
  /** A non-resource URL (/metrics, /healthz, /version); a trailing * matches a prefix. */
  url: string;
  verbs: readonly RbacVerb[];
  why: string;
}

export type Access = ResourceAccess | UrlAccess;

/** A kind as an object template names it. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

export function isUrlAccess(access: Access): access is UrlAccess {
  return 'url' in access;
}

/** The RBAC verb of an apiserver verb (POST is create, LIST is list...). */
export function rbacVerb(verb: ApiVerb | string): string {
  if (verb === 'POST') return 'create';
  if (verb === 'PUT') return 'update';
  return verb.toLowerCase();
}

/** Reading a kind as a watch does (list, then watch from its resourceVersion). */
export function watchAccess(group: string, resource: string, why: string, namespace?: string): ResourceAccess {
  return { group, resource, verbs: ['list', 'watch'], why, ...(namespace ? { namespace } : {}) };
}

/**
 * The plural resource of a kind, as kubectl guesses it without a cluster: the built-in kinds all
 * follow it but Endpoints; a CRD may name its plural otherwise (then edit the printed rule).
 */
export function guessResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Access to the objects of a kind as an object template writes it (apiVersion, kind). */
export function kindAccess(apiVersion: string, kind: string, verbs: readonly RbacVerb[], why: string): ResourceAccess {
  return { group: splitApiVersion(apiVersion || 'v1').group, resource: guessResource(kind), verbs, why };
}

/** What one request needs, as the API server's authorizer sees it. */
export type RequestNeed =
  | { group: string; resource: string; verb: string; namespace?: string; name?: string }
  | { url: string; verb: string };

/**
 * The authorization attributes of a request (method and path with query), as the apiserver's
 * RequestInfo resolver derives them: a WebSocket exec is a GET that also needs create.
 */
export function requestNeed(method: string, pathWithQuery: string): RequestNeed {
  const target = parseResourcePath(pathWithQuery);
  if (!target) {
    const path = pathWithQuery.split('?')[0]!;
    return { url: path, verb: method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase() };
  }
  const query = pathWithQuery.includes('?') ? new URLSearchParams(pathWithQuery.slice(pathWithQuery.indexOf('?') + 1)) : new URLSearchParams();
  const watch = target.watchPath || query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = rbacVerb(apiVerb(method === 'HEAD' ? 'GET' : method, target.name !== undefined, watch));
  return {
    group: target.group,
    resource: target.subresource ? `${target.resource}/${target.subresource}` : target.resource,
    verb,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    ...(target.name !== undefined ? { name: target.name } : {}),
  };
}

/** Whether the granted access allows a request: the same matching as RBAC's (wildcard "*" and URL prefixes with "*"). */
export function allows(granted: readonly Access[], need: RequestNeed): boolean {
  return granted.some((a) => {
    if (!a.verbs.includes(need.verb as RbacVerb) && !a.verbs.includes('*' as RbacVerb)) return false;
    if ('url' in need) return isUrlAccess(a) && (a.url === need.url || (a.url.endsWith('*') && need.url.startsWith(a.url.slice(0, -1))));
    if (isUrlAccess(a)) return false;
    if (a.group !== need.group && a.group !== '*') return false;
    if (a.resource !== need.resource && a.resource !== '*') return false;
    return a.namespace === undefined || a.namespace === need.namespace;
  });
}
