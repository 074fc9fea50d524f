import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTarget, type ApiTarget } from './target.js';

let api: ApiTarget;
let ns: string;
beforeAll(async () => {
  api = await openTarget();
  ns = await api.namespace('patch');
});
afterAll(async () => api?.close());

const deployments = () => `/apis/apps/v1/namespaces/${ns}/deployments`;

function deployment(name: string, replicas = 0): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'main', image: 'registry.k8s.io/pause:3.10', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] },
            { name: 'side', image: 'registry.k8s.io/pause:3.10' },
          ],
        },
      },
    },
  };
}

async function create(name: string): Promise<any> {
  const res = await api.request('POST', deployments(), { body: deployment(name) });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

describe('patch', () => {
  it('applies a JSON merge patch', async () => {
    await create('merge');
    const res = await api.request('PATCH', `${deployments()}/merge`, { body: { metadata: { labels: { extra: 'yes' } }, spec: { replicas: 0 } }, contentType: 'application/merge-patch+json' });
    expect(res.status).toBe(200);
    expect(res.json.metadata.labels).toEqual({ app: 'merge', extra: 'yes' });
  });

  it('applies a JSON patch', async () => {
    await create('jsonpatch');
    const ops = [
      { op: 'add', path: '/metadata/annotations', value: { note: 'hi' } },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.k8s.io/pause:3.9' },
      { op: 'test', path: '/spec/replicas', value: 0 },
    ];
    const res = await api.request('PATCH', `${deployments()}/jsonpatch`, { body: ops, contentType: 'application/json-patch+json' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.metadata.annotations.note).toBe('hi');
    expect(res.json.spec.template.spec.containers[0].image).toBe('registry.k8s.io/pause:3.9');
    expect(res.json.metadata.generation).toBe(2);
  });

  it('merges containers, env and ports by key with a strategic merge patch', async () => {
    await create('smp');
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'main', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 9090 }] }],
          },
        },
      },
    };
    const res = await api.request('PATCH', `${deployments()}/smp`, { body: patch, contentType: 'application/strategic-merge-patch+json' });
    expect(res.status, res.text).toBe(200);
    const containers = res.json.spec.template.spec.containers;
    expect(containers.map((c: any) => c.name)).toEqual(['main', 'side']);
    expect(containers[0].image).toBe('registry.k8s.io/pause:3.10');
    expect(containers[0].env.map((e: any) => e.name).sort()).toEqual(['A', 'B']);
    expect(containers[0].ports.map((p: any) => p.containerPort).sort()).toEqual([8080, 9090]);
  });

  it('deletes a list item with the $patch: delete directive', async () => {
    await create('smp-delete');
    const patch = { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } };
    const res = await api.request('PATCH', `${deployments()}/smp-delete`, { body: patch, contentType: 'application/strategic-merge-patch+json' });
    expect(res.status, res.text).toBe(200);
    expect(res.json.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['main']);
  });

  it('creates with an apply patch when absent and updates when present', async () => {
    const path = `${deployments()}/applied?fieldManager=burn-test`;
    const yaml = (replicas: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: applied}\n  template:\n    metadata:\n      labels: {app: applied}\n    spec:\n      containers:\n      - name: main\n        image: registry.k8s.io/pause:3.10\n`;
    const created = await api.request('PATCH', path, { rawBody: yaml(0), contentType: 'application/apply-patch+yaml' });
    expect([200, 201]).toContain(created.status);
    expect(created.json.metadata.name).toBe('applied');
    const updated = await api.request('PATCH', path, { rawBody: yaml(0).replace('pause:3.10', 'pause:3.9'), contentType: 'application/apply-patch+yaml' });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json.spec.template.spec.containers[0].image).toBe('registry.k8s.io/pause:3.9');
  });

  it('requires a fieldManager for apply', async () => {
    const res = await api.request('PATCH', `${deployments()}/nofm`, { rawBody: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nofm\n', contentType: 'application/apply-patch+yaml' });
    expect(res.status).toBe(422);
    expect(res.json.reason).toBe('Invalid');
  });

  it('answers 404 when patching a missing object and 415 for an unknown patch type', async () => {
    const missing = await api.request('PATCH', `${deployments()}/missing`, { body: {}, contentType: 'application/merge-patch+json' });
    expect(missing.status).toBe(404);
    await create('mediatype');
    const unknown = await api.request('PATCH', `${deployments()}/mediatype`, { body: {}, contentType: 'text/plain' });
    expect(unknown.status).toBe(415);
    expect(unknown.json.reason).toBe('UnsupportedMediaType');
  });

  it('answers 409 when a patch carries a stale resourceVersion', async () => {
    const created = await create('stale');
    await api.request('PATCH', `${deployments()}/stale`, { body: { metadata: { labels: { v: '2' } } }, contentType: 'application/merge-patch+json' });
    const res = await api.request('PATCH', `${deployments()}/stale`, {
      body: { metadata: { resourceVersion: created.metadata.resourceVersion, labels: { v: '3' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(409);
    expect(res.json.reason).toBe('Conflict');
  });

  it('reads and writes the scale subresource as autoscaling/v1 Scale', async () => {
    await create('scaled');
    const scale = await api.request('GET', `${deployments()}/scaled/scale`);
    expect(scale.status).toBe(200);
    // ScaleSpec.replicas is omitempty: 0 replicas read back as `spec: {}`.
    expect(scale.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'scaled' }, spec: {} });
    expect(scale.json.spec.replicas).toBeUndefined();
    expect(scale.json.status.selector).toBe('app=scaled');
    const patched = await api.request('PATCH', `${deployments()}/scaled/scale`, { body: { spec: { replicas: 0 } }, contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    // The deployment controller writes status too: read-modify-write until no one raced us, as clients do.
    let put;
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = (await api.request('GET', `${deployments()}/scaled/scale`)).json;
      put = await api.request('PUT', `${deployments()}/scaled/scale`, { body: { ...current, spec: { replicas: 0 } } });
      if (put.status !== 409) break;
    }
    expect(put!.status).toBe(200);
    const stale = await api.request('PUT', `${deployments()}/scaled/scale`, { body: { ...scale.json, metadata: { ...scale.json.metadata, resourceVersion: '1' }, spec: { replicas: 0 } } });
    expect(stale.status).toBe(409);
  });

  it('changes only status through /status, and never status through the main resource', async () => {
    const services = `/api/v1/namespaces/${ns}/services`;
    const created = await api.request('POST', services, { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'statusful' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'x' } } } });
    expect(created.status, created.text).toBe(201);
    const ingress = [{ ip: '192.0.2.10' }];
    const viaMain = await api.request('PUT', `${services}/statusful`, { body: { ...created.json, status: { loadBalancer: { ingress } } } });
    expect(viaMain.status, viaMain.text).toBe(200);
    expect(viaMain.json.status?.loadBalancer?.ingress).toBeUndefined();
    const viaStatus = await api.request('PATCH', `${services}/statusful/status`, {
      body: { spec: { selector: { app: 'changed' } }, status: { loadBalancer: { ingress } } },
      contentType: 'application/merge-patch+json',
    });
    expect(viaStatus.status, viaStatus.text).toBe(200);
    expect(viaStatus.json.spec.selector).toEqual({ app: 'x' });
    // The apiserver defaults ipMode for an ingress with an IP.
    expect(viaStatus.json.status.loadBalancer.ingress).toEqual([{ ip: '192.0.2.10', ipMode: 'VIP' }]);
  });

  it('refuses a load balancer ingress in the status of a ClusterIP service (422 Invalid)', async () => {
    const services = `/api/v1/namespaces/${ns}/services`;
    const created = await api.request('POST', services, { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }], selector: { app: 'x' } } } });
    expect(created.status, created.text).toBe(201);
    const refused = await api.request('PATCH', `${services}/plain/status`, { body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.11' }] } } }, contentType: 'application/merge-patch+json' });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { name: 'plain', kind: 'Service', causes: [{ reason: 'FieldValueForbidden', field: 'status.loadBalancer.ingress' }] } });
    expect(refused.json.message).toBe('Service "plain" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is \'LoadBalancer\'');
  });
});
