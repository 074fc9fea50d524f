import type { ApiScope, ApiVerb } from './types.js';

/** What a request addresses, as the apiserver's RequestInfo sees it. */
export interface ResourceTarget {
  group: string; // "" for core
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Splits "apps/v1" into group and version ("v1" is the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The path of a resource, collection or subresource (no query). */
export function resourcePath(target: ResourceTarget): string {
  let path = groupVersionPath(target.group, target.version);
  if (target.namespace !== undefined && target.namespace !== '') {
    path += `/namespaces/${encodeURIComponent(target.namespace)}`;
  }
  path += `/${target.resource}`;
  if (target.name !== undefined) {
    path += `/${encodeURIComponent(target.name)}`;
    if (target.subresource) path += `/${target.subresource}`;
  }
  return path;
}

/** Subresources of a namespace object, which the apiserver does not read as resource names. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * Parses an API path the way the apiserver's RequestInfo resolver does. Returns undefined for
 * non-resource paths (/version, /apis, /api/v1 discovery, /healthz, /metrics).
 */
export function parseResourcePath(path: string): (ResourceTarget & { watchPath: boolean }) | undefined {
  const query = path.indexOf('?');
  const parts = (query < 0 ? path : path.slice(0, query)).split('/').filter((p) => p !== '');
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = decodeURIComponent(rest[1]);
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  if (rest.length === 0) return undefined;
  return {
    group,
    version,
    resource: rest[0],
    name: rest[1] === undefined ? undefined : decodeURIComponent(rest[1]),
    subresource: rest.length > 2 ? rest.slice(2).join('/') : undefined,
    namespace,
    watchPath,
  };
}

/** The verb the apiserver puts on its metrics for an HTTP method on a target. */
export function apiVerb(method: string, hasName: boolean, watch: boolean): ApiVerb {
  switch (method) {
    case 'GET':
      if (watch) return 'WATCH';
      return hasName ? 'GET' : 'LIST';
    case 'POST':
      return 'POST';
    case 'PUT':
      return 'PUT';
    case 'PATCH':
      return 'PATCH';
    case 'DELETE':
      return hasName ? 'DELETE' : 'DELETECOLLECTION';
    default:
      return method as ApiVerb;
  }
}

/** As the apiserver labels scope: resource for a named object or a create; else namespace or cluster. */
export function apiScope(verb: ApiVerb, hasName: boolean, namespace: string | undefined): ApiScope {
  if (hasName || verb === 'POST') return 'resource';
  return namespace ? 'namespace' : 'cluster';
}

/** key=value&... for the defined values, encoded. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const key in params) {
    const value = params[key];
    if (value === undefined || value === '') continue;
    out += `${out ? '&' : ''}${key}=${encodeURIComponent(String(value))}`;
  }
  return out;
}
