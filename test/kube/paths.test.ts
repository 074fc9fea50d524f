import { describe, expect, it } from 'vitest';
import { apiScope, apiVerb, parseResourcePath, resourcePath } from '../../src/kube/paths.js';

/** Verb and scope as the apiserver would label a request. */
function label(method: string, path: string) {
  const t = parseResourcePath(path)!;
  const watch = t.watchPath || /[?&]watch=(1|true)/.test(path);
  const verb = apiVerb(method, t.name !== undefined, watch);
  return { verb, scope: apiScope(verb, t.name !== undefined, t.namespace), resource: t.resource, group: t.group, subresource: t.subresource ?? '', namespace: t.namespace };
}

describe('apiserver request labels', () => {
  it.each([
    ['POST', '/api/v1/namespaces/x/pods', { verb: 'POST', scope: 'resource', resource: 'pods', group: '', namespace: 'x' }],
    ['GET', '/apis/apps/v1/deployments', { verb: 'LIST', scope: 'cluster', resource: 'deployments', group: 'apps', namespace: undefined }],
    ['GET', '/apis/apps/v1/namespaces/x/deployments?limit=500', { verb: 'LIST', scope: 'namespace', resource: 'deployments', namespace: 'x' }],
    ['GET', '/api/v1/namespaces/x/pods/p1', { verb: 'GET', scope: 'resource', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/x/pods?watch=1&resourceVersion=5', { verb: 'WATCH', scope: 'namespace', resource: 'pods' }],
    ['GET', '/api/v1/watch/pods', { verb: 'WATCH', scope: 'cluster', resource: 'pods' }],
    ['DELETE', '/api/v1/namespaces/x/configmaps', { verb: 'DELETECOLLECTION', scope: 'namespace', resource: 'configmaps' }],
    ['DELETE', '/api/v1/namespaces/x/configmaps/c', { verb: 'DELETE', scope: 'resource' }],
    ['PATCH', '/apis/apps/v1/namespaces/x/deployments/d/status', { verb: 'PATCH', scope: 'resource', subresource: 'status' }],
    ['POST', '/api/v1/namespaces', { verb: 'POST', scope: 'resource', resource: 'namespaces', namespace: undefined }],
    ['GET', '/api/v1/namespaces', { verb: 'LIST', scope: 'cluster', resource: 'namespaces' }],
    ['GET', '/api/v1/namespaces/x', { verb: 'GET', scope: 'resource', resource: 'namespaces', namespace: 'x' }],
    ['PUT', '/api/v1/namespaces/x/finalize', { verb: 'PUT', scope: 'resource', resource: 'namespaces', subresource: 'finalize' }],
    ['GET', '/api/v1/nodes/n1', { verb: 'GET', scope: 'resource', resource: 'nodes', namespace: undefined }],
  ])('%s %s', (method, path, expected) => {
    expect(label(method, path)).toMatchObject(expected);
  });

  it('does not read non-resource paths as resources', () => {
    for (const p of ['/version', '/api', '/apis', '/api/v1', '/apis/apps/v1', '/healthz', '/metrics']) {
      expect(parseResourcePath(p)).toBeUndefined();
    }
  });

  it('builds paths that parse back to the same target', () => {
    const target = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'ns 1', name: 'd', subresource: 'scale' };
    const path = resourcePath(target);
    expect(path).toBe('/apis/apps/v1/namespaces/ns%201/deployments/d/scale');
    expect(parseResourcePath(path)).toMatchObject(target);
  });
});
