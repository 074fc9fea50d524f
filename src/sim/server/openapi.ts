import { createHash } from 'node:crypto';
import type { ResourceInfo } from '../types.js';
import { groupsOf } from './discovery.js';

/**
 * A minimal OpenAPI v3 description: the index of group-versions and, per group-version, the
 * object paths with their PATCH and POST operations, tagged with x-kubernetes-group-version-kind and
 * the fieldValidation query parameter. That is what kubectl reads to learn that the server
 * validates fields itself (so `kubectl apply` needs no client-side schema); schemas are left out.
 */

function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const queryParam = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted.'),
  queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.'),
];

function operations(info: ResourceInfo): Record<string, unknown> {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const op = (action: string) => ({
    operationId: `${action}${info.kind}`,
    parameters: WRITE_PARAMS,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const prefix = `/${groupVersionPath(info.group, info.version)}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}`;
  const pathParams = [
    { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
    ...(info.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
  ];
  return {
    [prefix]: { post: op('post'), parameters: pathParams.slice(1) },
    [`${prefix}/{name}`]: { put: op('put'), patch: { ...op('patch'), parameters: [...WRITE_PARAMS, queryParam('force', 'Force is going to "force" Apply requests.')] }, parameters: pathParams },
  };
}

export function openApiDocument(resources: ResourceInfo[], group: string, version: string): Record<string, unknown> | undefined {
  const inGroup = resources.filter((r) => r.group === group && r.version === version);
  if (inGroup.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.34.0' },
    paths: Object.assign({}, ...inGroup.map(operations)),
    components: { schemas: {} },
  };
}

export function openApiIndex(resources: ResourceInfo[]): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs = [{ group: '', version: 'v1' }, ...groupsOf(resources).map((g) => ({ group: g.name, version: g.version }))];
  for (const { group, version } of gvs) {
    const path = groupVersionPath(group, version);
    const hash = createHash('sha512').update(JSON.stringify(openApiDocument(resources, group, version))).digest('hex').slice(0, 128).toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

/** The group and version an /openapi/v3/... path names, or undefined. */
export function parseOpenApiPath(path: string): { group: string; version: string } | undefined {
  const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  return m[1] ? { group: '', version: m[1] } : { group: m[2]!, version: m[3]! };
}
