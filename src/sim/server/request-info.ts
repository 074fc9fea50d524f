import type { ResourceInfo } from '../types.js';
import type { MemoryStore } from '../store.js';
import type { ApiVerb, RequestLabels } from './metrics.js';

/**
 * What an API request addresses, parsed from its method and path the way the apiserver's
 * RequestInfoFactory does: group, version, namespace, resource, name, subresource and verb.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  /** undefined when the group/version is served but the resource name is unknown */
  info?: ResourceInfo;
  resourceName: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  verb: Verb;
}

export type ApiRequest =
  | ResourceRequest
  | { kind: 'discovery'; group: string; version?: string; path: string }
  | { kind: 'other'; path: string };

export function parseApiPath(method: string, pathname: string, query: URLSearchParams, store: MemoryStore): ApiRequest {
  const segs = pathname.split('/').filter(Boolean);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segs[0] === 'api') {
    group = '';
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length < 2) return { kind: 'discovery', group: '', path: pathname };
    group = segs[1]!;
    version = segs[2];
    rest = segs.slice(3);
  } else {
    return { kind: 'other', path: pathname };
  }
  if (!version || rest.length === 0) return { kind: 'discovery', group, version, path: pathname };

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}... is namespaced; /namespaces/{name}[/status|/finalize] is the namespace itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resourceName = '', name, subresource] = rest;
  const key = group ? `${group}/${resourceName}` : resourceName;
  const info = store.resource(key);
  const found = info && info.version === version ? info : undefined;
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = watchPath || isTrue(query.get('watch')) ? 'watch' : name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = 'get';
  }
  return { kind: 'resource', group, version, info: found, resourceName, namespace, name, subresource, verb };
}

export function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

const VERB_LABELS: Record<Verb, ApiVerb> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETECOLLECTION',
};

/** The metric labels of a request; scope as the apiserver assigns it (REFERENCE.md section 1). */
export function requestLabels(req: ResourceRequest): RequestLabels {
  const scope = req.name || req.verb === 'create' ? 'resource' : req.namespace ? 'namespace' : 'cluster';
  return {
    verb: VERB_LABELS[req.verb],
    group: req.group,
    version: req.version,
    resource: req.resourceName,
    subresource: req.subresource ?? '',
    scope,
  };
}

export function isMutating(verb: Verb): boolean {
  return verb !== 'get' && verb !== 'list' && verb !== 'watch';
}
