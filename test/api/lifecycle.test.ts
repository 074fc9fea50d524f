import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, openTarget, testPod, type ApiTarget } from './target.js';

let api: ApiTarget;
let ns: string;
beforeAll(async () => {
  api = await openTarget();
  ns = await api.namespace('life');
});
afterAll(async () => api?.close());

const isReady = (pod: any) => (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');

describe('object lifecycles', () => {
  it('runs a pod on a node, then deletes it gracefully', async () => {
    const created = await api.request('POST', `/api/v1/namespaces/${ns}/pods`, { body: testPod('runner') });
    expect(created.status, created.text).toBe(201);
    expect(created.json.status.phase).toBe('Pending');
    const running = await api.eventually(`/api/v1/namespaces/${ns}/pods/runner`, (p) => p.status?.phase === 'Running' && isReady(p));
    expect(running.spec.nodeName).toBeTruthy();
    expect(running.status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(running.status.containerStatuses[0]).toMatchObject({ name: 'app', ready: true, started: true });
    const deleted = await api.request('DELETE', `/api/v1/namespaces/${ns}/pods/runner`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.kind).toBe('Pod');
    expect(deleted.json.metadata.deletionTimestamp).toBeDefined();
    expect(deleted.json.metadata.deletionGracePeriodSeconds).toBe(30);
    await api.eventually(`/api/v1/namespaces/${ns}/pods`, (list) => !list.items.some((p: any) => p.metadata.name === 'runner'));
  }, 150_000);

  it('rolls a deployment out to ready pods owned through a replicaset, and cascades its deletion', async () => {
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: (testPod('x') as any).spec },
      },
    };
    expect((await api.request('POST', deployments, { body })).status).toBe(201);
    const ready = await api.eventually(`${deployments}/web`, (d) => d.status?.readyReplicas === 2 && d.status?.observedGeneration === d.metadata.generation);
    expect(ready.status.conditions.map((c: any) => c.type)).toEqual(expect.arrayContaining(['Available', 'Progressing']));
    const pods = (await api.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`)).json.items;
    expect(pods).toHaveLength(2);
    const owner = pods[0].metadata.ownerReferences[0];
    expect(owner).toMatchObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', controller: true });
    const rs = await api.request('GET', `/apis/apps/v1/namespaces/${ns}/replicasets/${owner.name}`);
    expect(rs.json.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: ready.metadata.uid });

    const deleted = await api.request('DELETE', `${deployments}/web`, { body: { propagationPolicy: 'Background' } });
    expect(deleted.status).toBe(200);
    await api.eventually(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`, (list) => list.items.every((p: any) => p.metadata.deletionTimestamp) );
    await api.eventually(`/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dweb`, (list) => list.items.length === 0);
  }, 150_000);

  it('deletes dependents in the foreground and orphans them on request', async () => {
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    const owner = async (name: string) => (await api.request('POST', cms, { body: configMap(name) })).json;
    const dependent = async (name: string, o: any) =>
      api.request('POST', cms, { body: { ...configMap(name), metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid }] } } });

    const fg = await owner('fg-owner');
    expect((await dependent('fg-dep', fg)).status).toBe(201);
    await api.request('DELETE', `${cms}/fg-owner`, { body: { propagationPolicy: 'Foreground' } });
    await api.eventually(cms, (list) => !list.items.some((c: any) => c.metadata.name === 'fg-dep' || c.metadata.name === 'fg-owner'));

    const orphaning = await owner('or-owner');
    await dependent('or-dep', orphaning);
    await api.request('DELETE', `${cms}/or-owner`, { body: { propagationPolicy: 'Orphan' } });
    await api.eventually(cms, (list) => !list.items.some((c: any) => c.metadata.name === 'or-owner'));
    const kept = await api.request('GET', `${cms}/or-dep`);
    expect(kept.status).toBe(200);
    expect(kept.json.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('terminates a namespace: Terminating, no new content, then gone with everything in it', async () => {
    const doomed = await api.namespace('doomed');
    const cms = `/api/v1/namespaces/${doomed}/configmaps`;
    await api.request('POST', cms, { body: configMap('plain') });
    await api.request('POST', cms, { body: { ...configMap('held'), metadata: { name: 'held', finalizers: ['burn.dev/hold'] } } });
    const deleted = await api.request('DELETE', `/api/v1/namespaces/${doomed}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.status.phase).toBe('Terminating');
    expect(deleted.json.metadata.deletionTimestamp).toBeDefined();
    await api.eventually(`${cms}/held`, (cm) => cm.metadata.deletionTimestamp !== undefined);
    const refused = await api.request('POST', cms, { body: configMap('late') });
    expect(refused.status).toBe(403);
    expect(refused.json.reason).toBe('Forbidden');
    expect((await api.request('GET', `/api/v1/namespaces/${doomed}`)).json.status.phase).toBe('Terminating');
    await api.request('PATCH', `${cms}/held`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    const deadline = Date.now() + 90_000;
    let status = 200;
    while (Date.now() < deadline && status !== 404) {
      status = (await api.request('GET', `/api/v1/namespaces/${doomed}`)).status;
      if (status !== 404) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(404);
  }, 150_000);

  it('gives every namespace a default service account', async () => {
    const fresh = await api.namespace('sa');
    await api.eventually(`/api/v1/namespaces/${fresh}/serviceaccounts`, (list) => list.items.some((sa: any) => sa.metadata.name === 'default'));
  });

  it('refuses to delete the default namespace', async () => {
    const res = await api.request('DELETE', '/api/v1/namespaces/default');
    expect(res.status).toBe(403);
    expect(res.json.reason).toBe('Forbidden');
  });
});
