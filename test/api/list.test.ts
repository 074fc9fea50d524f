import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, openTarget, type ApiTarget } from './target.js';

let api: ApiTarget;
let ns: string;
const cms = () => `/api/v1/namespaces/${ns}/configmaps`;

beforeAll(async () => {
  api = await openTarget();
  ns = await api.namespace('list');
  const labels: Array<[string, Record<string, string>]> = [
    ['a', { app: 'web', tier: 'front' }],
    ['b', { app: 'web', tier: 'back' }],
    ['c', { app: 'db', tier: 'back' }],
    ['d', { app: 'cache' }],
    ['e', {}],
  ];
  for (const [name, l] of labels) {
    const res = await api.request('POST', cms(), { body: configMap(name, l) });
    if (res.status !== 201) throw new Error(res.text);
  }
});
afterAll(async () => api?.close());

async function names(query: string): Promise<string[]> {
  const res = await api.request('GET', `${cms()}?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.json.items.map((o: any) => o.metadata.name).sort();
}

describe('list', () => {
  it('returns a typed list with a resourceVersion', async () => {
    const res = await api.request('GET', cms());
    expect(res.json.kind).toBe('ConfigMapList');
    expect(res.json.apiVersion).toBe('v1');
    expect(res.json.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(res.json.items.map((o: any) => o.metadata.name).filter((n: string) => n.length === 1)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('filters by every label selector operator', async () => {
    const q = (s: string) => `labelSelector=${encodeURIComponent(s)}`;
    expect(await names(q('app=web'))).toEqual(['a', 'b']);
    expect(await names(q('app==web'))).toEqual(['a', 'b']);
    expect((await names(q('app!=web'))).filter((n) => n.length === 1)).toEqual(['c', 'd', 'e']);
    expect(await names(q('app in (db,cache)'))).toEqual(['c', 'd']);
    expect((await names(q('app notin (web,db)'))).filter((n) => n.length === 1)).toEqual(['d', 'e']);
    expect(await names(q('tier'))).toEqual(['a', 'b', 'c']);
    expect((await names(q('!tier'))).filter((n) => n.length === 1)).toEqual(['d', 'e']);
    expect(await names(q('app=web,tier=back'))).toEqual(['b']);
  });

  it('answers 400 for a malformed label selector', async () => {
    const res = await api.request('GET', `${cms()}?labelSelector=${encodeURIComponent('app in (web')}`);
    expect(res.status).toBe(400);
    expect(res.json.reason).toBe('BadRequest');
  });

  it('filters by field selector, and rejects unsupported fields', async () => {
    expect(await names('fieldSelector=metadata.name%3Dc')).toEqual(['c']);
    expect(await names(`fieldSelector=metadata.namespace%3D${ns},metadata.name%3Dd`)).toEqual(['d']);
    const all = await api.request('GET', `/api/v1/configmaps?fieldSelector=metadata.namespace%3D${ns}`);
    expect(all.json.items.every((o: any) => o.metadata.namespace === ns)).toBe(true);
    const bad = await api.request('GET', `${cms()}?fieldSelector=data.key%3Dvalue`);
    expect(bad.status).toBe(400);
    expect(bad.json.reason).toBe('BadRequest');
  });

  it('filters pods by spec.nodeName and status.phase', async () => {
    const res = await api.request('GET', `/api/v1/namespaces/${ns}/pods?fieldSelector=${encodeURIComponent('spec.nodeName=,status.phase!=Running')}`);
    expect(res.status).toBe(200);
    expect(res.json.kind).toBe('PodList');
  });

  it('pages with limit and continue, covering every item once', async () => {
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const res = await api.request('GET', `${cms()}?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.items.map((o: any) => o.metadata.name));
      cont = res.json.metadata.continue ?? '';
      if (cont) expect(res.json.metadata.remainingItemCount).toBeGreaterThan(0);
      pages++;
    } while (cont && pages < 20);
    const total = (await api.request('GET', cms())).json.items.length;
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 2));
  });

  it('keeps paging from a consistent snapshot while objects are added', async () => {
    const first = await api.request('GET', `${cms()}?limit=3`);
    await api.request('POST', cms(), { body: configMap('added-during-paging') });
    const rest = await api.request('GET', `${cms()}?limit=100&continue=${encodeURIComponent(first.json.metadata.continue)}`);
    expect(rest.json.metadata.resourceVersion).toBe(first.json.metadata.resourceVersion);
    const all = [...first.json.items, ...rest.json.items].map((o: any) => o.metadata.name);
    expect(all).not.toContain('added-during-paging');
  });

  it('answers 400 for a continue token that is not one', async () => {
    const res = await api.request('GET', `${cms()}?limit=2&continue=not-a-token`);
    expect(res.status).toBe(400);
    expect(res.json.reason).toBe('BadRequest');
  });

  it('serves a Table when kubectl asks for one', async () => {
    const res = await api.request('GET', `/api/v1/namespaces/${ns}/configmaps`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(res.json.kind).toBe('Table');
    expect(res.json.apiVersion).toBe('meta.k8s.io/v1');
    expect(res.json.columnDefinitions[0].name).toBe('Name');
    expect(res.json.columnDefinitions.map((c: any) => c.name)).toContain('Age');
    const row = res.json.rows.find((r: any) => r.cells[0] === 'a');
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a' } });
  });

  it('prints pods with the real columns', async () => {
    const res = await api.request('GET', `/api/v1/namespaces/${ns}/pods`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(res.json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const deploys = await api.request('GET', `/apis/apps/v1/namespaces/${ns}/deployments`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(deploys.json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    const nodes = await api.request('GET', '/api/v1/nodes', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(nodes.json.columnDefinitions.slice(0, 5).map((c: any) => c.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
  });
});
