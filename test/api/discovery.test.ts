import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, type ApiTarget } from './target.js';

let api: ApiTarget;
beforeAll(async () => {
  api = await openTarget();
});
afterAll(async () => api?.close());

describe('discovery', () => {
  it('serves /version with major and minor', async () => {
    const res = await api.request('GET', '/version');
    expect(res.status).toBe(200);
    expect(res.json.major).toMatch(/^\d+$/);
    expect(res.json.gitVersion).toMatch(/^v1\.\d+\.\d+/);
  });

  it('answers the health endpoints', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const res = await api.request('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.text).toBe('ok');
    }
  });

  it('lists the core API versions and the named groups', async () => {
    const core = await api.request('GET', '/api');
    expect(core.json.kind).toBe('APIVersions');
    expect(core.json.versions).toContain('v1');
    const groups = await api.request('GET', '/apis');
    expect(groups.json.kind).toBe('APIGroupList');
    const names = groups.json.groups.map((g: any) => g.name);
    expect(names).toEqual(expect.arrayContaining(['apps', 'batch', 'discovery.k8s.io']));
    const apps = groups.json.groups.find((g: any) => g.name === 'apps');
    expect(apps.preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });
  });

  it('also answers a client that asks for aggregated discovery first', async () => {
    const res = await api.request('GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(res.status).toBe(200);
    expect(['APIGroupList', 'APIGroupDiscoveryList']).toContain(res.json.kind);
  });

  it('describes core resources with their verbs, short names and subresources', async () => {
    const res = await api.request('GET', '/api/v1');
    expect(res.json.kind).toBe('APIResourceList');
    expect(res.json.groupVersion).toBe('v1');
    const byName = new Map(res.json.resources.map((r: any) => [r.name, r]));
    const pods: any = byName.get('pods');
    expect(pods).toMatchObject({ namespaced: true, kind: 'Pod', singularName: 'pod', shortNames: ['po'] });
    expect(pods.verbs).toEqual(expect.arrayContaining(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']));
    expect(byName.get('pods/status')).toMatchObject({ kind: 'Pod', verbs: expect.arrayContaining(['get', 'patch', 'update']) });
    expect(byName.get('nodes')).toMatchObject({ namespaced: false, kind: 'Node' });
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
    for (const name of ['services', 'endpoints', 'secrets', 'configmaps', 'serviceaccounts', 'events', 'persistentvolumeclaims']) {
      expect(byName.has(name), name).toBe(true);
    }
  });

  it('describes apps/v1 with the scale subresource as autoscaling/v1 Scale', async () => {
    const res = await api.request('GET', '/apis/apps/v1');
    const byName = new Map(res.json.resources.map((r: any) => [r.name, r]));
    expect(byName.get('deployments')).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] });
    expect(byName.get('deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    for (const name of ['replicasets', 'statefulsets', 'daemonsets', 'replicasets/scale', 'statefulsets/scale', 'daemonsets/status']) {
      expect(byName.has(name), name).toBe(true);
    }
    const batch = await api.request('GET', '/apis/batch/v1');
    expect(batch.json.resources.map((r: any) => r.name)).toEqual(expect.arrayContaining(['jobs', 'jobs/status']));
    const slices = await api.request('GET', '/apis/discovery.k8s.io/v1');
    expect(slices.json.resources.map((r: any) => r.name)).toContain('endpointslices');
  });

  it('publishes OpenAPI v3 per group-version, with the fieldValidation parameter kubectl looks for', async () => {
    const index = await api.request('GET', '/openapi/v3');
    expect(index.status).toBe(200);
    expect(Object.keys(index.json.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1']));
    const apps = await api.request('GET', index.json.paths['apis/apps/v1'].serverRelativeURL);
    expect(apps.status).toBe(200);
    const item = apps.json.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    const params = [...(item.patch.parameters ?? []), ...(item.parameters ?? [])];
    const names = params.map((p: any) => p.name ?? apps.json.components?.parameters?.[String(p.$ref).split('/').pop()!]?.name);
    expect(names).toContain('fieldValidation');
  });

  it('rejects a wrong bearer token with a 401 Status', async () => {
    const res = await api.request('GET', '/api/v1/namespaces', { token: 'not-the-token' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('answers 404 NotFound for an unknown resource', async () => {
    const res = await api.request('GET', '/api/v1/namespaces/default/widgets');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    const group = await api.request('GET', '/apis/nosuch.example.com/v1');
    expect(group.status).toBe(404);
  });
});
