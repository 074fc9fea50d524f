import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, openTarget, type ApiTarget } from './target.js';

let api: ApiTarget;
let ns: string;
beforeAll(async () => {
  api = await openTarget();
  ns = await api.namespace('crud');
});
afterAll(async () => api?.close());

const cms = () => `/api/v1/namespaces/${ns}/configmaps`;

describe('create, get, update, delete', () => {
  it('creates with uid, resourceVersion and creationTimestamp, and gets it back', async () => {
    const res = await api.request('POST', cms(), { body: configMap('first') });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'first', namespace: ns }, data: { key: 'value' } });
    expect(res.json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(res.json.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = await api.request('GET', `${cms()}/first`);
    expect(got.status).toBe(200);
    expect(got.json.metadata.uid).toBe(res.json.metadata.uid);
  });

  it('answers 409 AlreadyExists for a duplicate name', async () => {
    await api.request('POST', cms(), { body: configMap('dup') });
    const res = await api.request('POST', cms(), { body: configMap('dup') });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409, details: { name: 'dup', kind: 'configmaps' } });
  });

  it('resolves generateName', async () => {
    const res = await api.request('POST', cms(), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } } });
    expect(res.status).toBe(201);
    expect(res.json.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('answers 422 Invalid without a name', async () => {
    const res = await api.request('POST', cms(), { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(res.json.details.causes.map((c: any) => c.field)).toContain('metadata.name');
  });

  it('answers 400 BadRequest for a malformed body and for an apiVersion that does not match the URL', async () => {
    const malformed = await api.request('POST', cms(), { rawBody: '{"apiVersion": "v1", "kind": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    const mismatch = await api.request('POST', cms(), { body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'wrong' } } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.reason).toBe('BadRequest');
  });

  it('answers 400 when the body names another namespace than the URL', async () => {
    const res = await api.request('POST', cms(), { body: { ...configMap('elsewhere'), metadata: { name: 'elsewhere', namespace: 'default' } } });
    expect(res.status).toBe(400);
    expect(res.json.reason).toBe('BadRequest');
  });

  it('answers 404 NotFound for a missing object and a missing namespace', async () => {
    const res = await api.request('GET', `${cms()}/nope`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, details: { name: 'nope', kind: 'configmaps' } });
    const noNs = await api.request('POST', '/api/v1/namespaces/burn-no-such-namespace/configmaps', { body: configMap('x') });
    expect(noNs.status).toBe(404);
    expect(noNs.json.reason).toBe('NotFound');
  });

  it('updates, and answers 409 Conflict for a stale resourceVersion', async () => {
    const created = (await api.request('POST', cms(), { body: configMap('upd') })).json;
    const updated = await api.request('PUT', `${cms()}/upd`, { body: { ...created, data: { key: 'v2' } } });
    expect(updated.status).toBe(200);
    expect(updated.json.data.key).toBe('v2');
    expect(Number(updated.json.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    const stale = await api.request('PUT', `${cms()}/upd`, { body: { ...created, data: { key: 'v3' } } });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    expect(stale.json.message).toContain('the object has been modified');
  });

  it('answers 400 when the body names another object than the URL', async () => {
    const created = (await api.request('POST', cms(), { body: configMap('named') })).json;
    const res = await api.request('PUT', `${cms()}/named`, { body: { ...created, metadata: { ...created.metadata, name: 'other' } } });
    expect(res.status).toBe(400);
    expect(res.json.reason).toBe('BadRequest');
  });

  it('accepts YAML bodies', async () => {
    const res = await api.request('POST', cms(), { rawBody: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n', contentType: 'application/yaml' });
    expect(res.status).toBe(201);
    expect(res.json.data).toEqual({ a: '1' });
  });

  it('deletes, then answers 404', async () => {
    await api.request('POST', cms(), { body: configMap('gone') });
    const res = await api.request('DELETE', `${cms()}/gone`);
    expect(res.status).toBe(200);
    expect((await api.request('GET', `${cms()}/gone`)).status).toBe(404);
    expect((await api.request('DELETE', `${cms()}/gone`)).status).toBe(404);
  });

  it('honours a uid precondition on delete', async () => {
    await api.request('POST', cms(), { body: configMap('pre') });
    const res = await api.request('DELETE', `${cms()}/pre`, { body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: '00000000-0000-0000-0000-000000000000' } } });
    expect(res.status).toBe(409);
    expect(res.json.reason).toBe('Conflict');
    expect((await api.request('GET', `${cms()}/pre`)).status).toBe(200);
  });

  it('keeps an object with a finalizer until the finalizer is removed', async () => {
    await api.request('POST', cms(), { body: { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['burn.dev/test'] } } });
    const deleted = await api.request('DELETE', `${cms()}/fin`);
    expect(deleted.status).toBe(200);
    const held = await api.request('GET', `${cms()}/fin`);
    expect(held.json.metadata.deletionTimestamp).toBeDefined();
    const patched = await api.request('PATCH', `${cms()}/fin`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect((await api.request('GET', `${cms()}/fin`)).status).toBe(404);
  });

  it('computes but does not persist dryRun=All writes', async () => {
    const dry = await api.request('POST', `${cms()}?dryRun=All`, { body: configMap('dry') });
    expect(dry.status).toBe(201);
    expect(dry.json.metadata.name).toBe('dry');
    expect((await api.request('GET', `${cms()}/dry`)).status).toBe(404);
    await api.request('POST', cms(), { body: configMap('wet') });
    const patched = await api.request('PATCH', `${cms()}/wet?dryRun=All`, { body: { data: { key: 'changed' } }, contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(patched.json.data.key).toBe('changed');
    expect((await api.request('GET', `${cms()}/wet`)).json.data.key).toBe('value');
    expect((await api.request('DELETE', `${cms()}/wet?dryRun=All`)).status).toBe(200);
    expect((await api.request('GET', `${cms()}/wet`)).status).toBe(200);
  });

  it('deletes a collection by label selector', async () => {
    for (const name of ['dc-a', 'dc-b', 'dc-keep']) {
      await api.request('POST', cms(), { body: configMap(name, { group: name === 'dc-keep' ? 'keep' : 'drop' }) });
    }
    const res = await api.request('DELETE', `${cms()}?labelSelector=group%3Ddrop`);
    expect(res.status).toBe(200);
    const left = await api.request('GET', `${cms()}?labelSelector=group`);
    expect(left.json.items.map((o: any) => o.metadata.name)).toEqual(['dc-keep']);
  });
});
