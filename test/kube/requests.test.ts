import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlreadyExists, isUncertainCreate, KubeApiError, type KubeObject, type RequestRecord } from '../../src/kube/index.js';
import { UserError } from '../../src/shared/errors.js';
import { nowMs } from '../../src/shared/clock.js';
import { status, type SeenRequest } from './helpers/fake-apiserver.js';
import { TestCluster } from './helpers/cluster.js';

const cluster = new TestCluster();
beforeAll(() => cluster.start());
afterEach(() => cluster.closeClients());
afterAll(() => cluster.stop());

function configMap(name: string, namespace = 'x', labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data: { k: 'v' } };
}

/** Answers the first `times` requests matching `match` with `respond`, then lets the rest through. */
function failFirst(times: number, match: (r: SeenRequest) => boolean, respond: (res: ServerResponse) => void): () => number {
  let seen = 0;
  cluster.server.interceptors.push((req, res) => {
    if (!match(req) || seen >= times) return false;
    seen++;
    respond(res);
    return true;
  });
  return () => seen;
}

const isPost = (r: SeenRequest) => r.method === 'POST';

describe('typed helpers and what gets recorded', () => {
  it('starts the latency clock when the request goes out, not while it waits for a token', async () => {
    const client = (await cluster.connect()).withLimits({ qps: 4, burst: 1 });
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    const calledMs = nowMs();
    await Promise.all([0, 1, 2].map((i) => client.create(configMap(`paced-${i}`))));
    const endMs = nowMs();
    // Three requests at 4 qps with burst 1: the last waits about half a second for its token.
    expect(records).toHaveLength(3);
    const last = [...records].sort((a, b) => a.startMs - b.startMs)[2]!;
    const waitedMs = last.startMs - calledMs;
    expect(waitedMs).toBeGreaterThan(400);
    // Its latency is its time on the wire, whatever the machine's load: never the wait before it.
    expect(last.latencyMs).toBeLessThanOrEqual(endMs - last.startMs + 1);
    expect(last.latencyMs).toBeLessThan(endMs - calledMs - 400);
  });

  it("tags the job's views' requests workload and the housekeeping view's burn", async () => {
    const client = await cluster.connect();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    await client.withLimits({ qps: 100, burst: 10 }).create(configMap('cm-origin'));
    await client.unlimited().get('v1', 'ConfigMap', 'cm-origin', 'x');
    expect(records.filter((r) => r.resource === 'configmaps').map((r) => [r.verb, r.origin])).toEqual([['POST', 'workload'], ['GET', 'burn']]);
    expect(client.unlimited().origin).toBe('burn');
    expect(client.withLimits({ qps: 1, burst: 1 }).origin).toBe('workload');
  });

  it('records verb, resource, scope and code as the apiserver labels them', async () => {
    const client = await cluster.connect();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));

    const created = await client.create(configMap('cm-a'));
    expect(created?.metadata.resourceVersion).toBeTruthy();
    await client.get('v1', 'ConfigMap', 'cm-a', 'x');
    await client.list('v1', 'ConfigMap', { namespace: 'x' });
    await client.list('v1', 'ConfigMap');
    await client.patch('v1', 'ConfigMap', 'cm-a', 'x', { data: { k: 'w' } }, 'merge');
    await client.update({ ...configMap('cm-a'), data: { k: 'u' } });
    await client.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' }, spec: {} });
    await client.delete('v1', 'ConfigMap', 'cm-a', 'x', { propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    await client.deleteCollection('apps/v1', 'Deployment', { namespace: 'x', labelSelector: 'app=none' });

    expect(records.map((r) => [r.verb, r.group, r.resource, r.scope, r.namespace, r.code])).toEqual([
      ['POST', '', 'configmaps', 'resource', 'x', 201],
      ['GET', '', 'configmaps', 'resource', 'x', 200],
      ['LIST', '', 'configmaps', 'namespace', 'x', 200],
      ['LIST', '', 'configmaps', 'cluster', undefined, 200],
      ['PATCH', '', 'configmaps', 'resource', 'x', 200],
      ['PUT', '', 'configmaps', 'resource', 'x', 200],
      ['POST', 'apps', 'deployments', 'resource', 'x', 201],
      ['DELETE', '', 'configmaps', 'resource', 'x', 200],
      ['DELETECOLLECTION', 'apps', 'deployments', 'namespace', 'x', 200],
    ]);
    for (const r of records) {
      expect(r.version).toBe('v1');
      expect(r.retries).toBe(0);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.attemptLatencyMs).toBeLessThanOrEqual(r.latencyMs);
    }
    const seen = cluster.server.requests.filter((r) => !r.url.startsWith('/api/v1?') && r.url !== '/api/v1' && r.url !== '/apis/apps/v1');
    expect(seen.find((r) => r.method === 'PATCH')!.headers['content-type']).toBe('application/merge-patch+json');
    expect(seen.find((r) => r.method === 'DELETE')!.url).toBe('/api/v1/namespaces/x/configmaps/cm-a?propagationPolicy=Background&gracePeriodSeconds=0');
    expect(seen.at(-1)!.url).toBe('/apis/apps/v1/namespaces/x/deployments?labelSelector=app%3Dnone');
  });

  it('sends server-side apply as field manager burn, forcing conflicts', async () => {
    const client = await cluster.connect();
    await client.create(configMap('cm-apply'));
    await client.patch('v1', 'ConfigMap', 'cm-apply', 'x', { data: { k: 'applied' } }, 'apply');
    const sent = cluster.server.requests.at(-1)!;
    expect(sent.url).toBe('/api/v1/namespaces/x/configmaps/cm-apply?fieldManager=burn&force=true');
    expect(sent.headers['content-type']).toBe('application/apply-patch+yaml');
  });

  it('counts AlreadyExists as success only when asked', async () => {
    const client = await cluster.connect();
    await client.create(configMap('dup'));
    await expect(client.create(configMap('dup'), { alreadyExistsOk: true })).resolves.toBeNull();
    const err = await client.create(configMap('dup')).catch((e: unknown) => e);
    expect(isAlreadyExists(err)).toBe(true);
    expect((err as KubeApiError).message).toMatch(/POST configmaps\/dup in namespace "x" failed: 409 AlreadyExists/);
  });

  it('uses the context namespace when a namespaced object names none', async () => {
    const client = await cluster.connect();
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-ns' } });
    expect(cluster.server.requests.at(-1)!.url).toBe('/api/v1/namespaces/default/configmaps');
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'burn-1' } });
    expect(cluster.server.requests.at(-1)!.url).toBe('/api/v1/namespaces');
  });

  it('raw requests go through the same path and are labelled from their URL', async () => {
    const client = await cluster.connect();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    const list = await client.request<{ items: unknown[] }>({ method: 'GET', path: '/api/v1/namespaces/x/configmaps', query: { limit: 1 } });
    expect(Array.isArray(list.items)).toBe(true);
    expect(records).toMatchObject([{ verb: 'LIST', resource: 'configmaps', scope: 'namespace', namespace: 'x', code: 200 }]);
  });

  it('turns 403 into an RBAC message naming verb, resource and namespace', async () => {
    const client = await cluster.connect();
    failFirst(1, isPost, (res) => status(res, 403, 'Forbidden', 'configmaps is forbidden: User "dev" cannot create resource "configmaps"'));
    const err = (await client.create(configMap('denied', 'team-b')).catch((e: unknown) => e)) as KubeApiError;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toBeInstanceOf(UserError);
    expect(err.code).toBe(403);
    expect(err.message).toMatch(/^RBAC denied: not allowed to create configmaps in namespace "team-b": configmaps is forbidden/);
    expect(err.hint).toMatch(/Role/);
  });

  it('carries code, reason and message of the Status on other failures', async () => {
    const client = await cluster.connect();
    failFirst(1, isPost, (res) => status(res, 422, 'Invalid', 'ConfigMap "bad_name" is invalid: metadata.name: Invalid value'));
    const err = (await client.create(configMap('bad_name')).catch((e: unknown) => e)) as KubeApiError;
    expect([err.code, err.reason]).toEqual([422, 'Invalid']);
    expect(err.message).toContain('metadata.name: Invalid value');
  });
});

describe('retries', () => {
  it('retries 429 after the Retry-After the server asked for', async () => {
    const client = await cluster.connect();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    const times: number[] = [];
    cluster.server.interceptors.push((req) => {
      if (isPost(req)) times.push(Date.now());
      return false;
    });
    failFirst(1, isPost, (res) => status(res, 429, 'TooManyRequests', 'slow down', { 'retry-after': '1' }));
    await client.create(configMap('throttled'));
    expect(records).toMatchObject([{ verb: 'POST', code: 201, retries: 1 }]);
    expect(times).toHaveLength(2);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950); // the retry waited what Retry-After said
    expect(records[0].latencyMs - records[0].attemptLatencyMs).toBeGreaterThanOrEqual(950);
    // counted for the job's summary, not hidden in the latency
    expect(client.requestCounts).toEqual({ retries: 1, throttled: 1 });
  });

  it('retries 5xx with backoff and gives up after maxRetries', async () => {
    const client = await cluster.connect();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    failFirst(2, isPost, (res) => status(res, 503, 'ServiceUnavailable', 'etcd leader changed'));
    await client.create(configMap('flaky'));
    expect(records.at(-1)).toMatchObject({ code: 201, retries: 2 });

    const count = failFirst(100, isPost, (res) => status(res, 500, 'InternalError', 'boom'));
    const err = (await client.create(configMap('broken')).catch((e: unknown) => e)) as KubeApiError;
    expect(count()).toBe(4); // 1 + maxRetries (3)
    expect(err.code).toBe(500);
    expect(err.message).toContain('after 3 retries');
    expect(records.at(-1)).toMatchObject({ code: 500, retries: 3 });
  });

  it('retries a connection reset', async () => {
    const client = await cluster.connect();
    await client.serverVersion(); // warm connection
    failFirst(1, isPost, (res) => res.socket!.destroy());
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    await client.create(configMap('after-reset'));
    expect(records).toMatchObject([{ code: 201, retries: 1 }]);
  });

  it('times out an attempt after requestTimeoutMs and retries it', async () => {
    // undici checks these timeouts on a coarse (~0.5 s) tick: each hung attempt costs about a second
    const client = await cluster.connect({ requestTimeoutMs: 300, retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 50 } });
    const hung: ServerResponse[] = [];
    failFirst(1, isPost, (res) => hung.push(res));
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    await client.create(configMap('slow-once'));
    expect(records).toMatchObject([{ code: 201, retries: 1 }]);

    failFirst(100, isPost, (res) => hung.push(res));
    const err = (await client.create(configMap('never')).catch((e: unknown) => e)) as KubeApiError;
    expect(err).toBeInstanceOf(KubeApiError);
    expect([err.code, err.reason]).toEqual([0, 'Timeout']);
    expect(records.at(-1)).toMatchObject({ code: 0, retries: 1 });
    for (const res of hung) res.destroy();
  });
});

describe('creates are never sent twice when that could duplicate an object', () => {
  const generated = (labels: Record<string, string> = { 'burn.dev/uuid': 'run-a' }): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { generateName: 'gen-', namespace: 'x', labels },
    data: { k: 'v' },
  });
  const posts = () => cluster.server.requests.filter(isPost).length;

  it('does not resend a generateName create after a reset: the outcome is uncertain, reported apart', async () => {
    const client = await cluster.connect();
    await client.serverVersion();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    failFirst(1, isPost, (res) => res.socket!.destroy());
    const err = await client.create(generated()).catch((e: unknown) => e);
    expect(isUncertainCreate(err)).toBe(true);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as Error).message).toMatch(/create of configmaps \(generateName "gen-"\) in namespace "x" is uncertain: the connection failed after it was sent/);
    expect((err as KubeApiError).hint).toMatch(/gc and burn destroy/);
    expect(posts()).toBe(1);
    expect(records).toMatchObject([{ verb: 'POST', code: 0, retries: 0 }]);
  });

  it('does not resend a generateName create after a timeout', async () => {
    const client = await cluster.connect({ requestTimeoutMs: 300 });
    const hung: ServerResponse[] = [];
    failFirst(1, isPost, (res) => hung.push(res));
    const err = await client.create(generated()).catch((e: unknown) => e);
    expect(isUncertainCreate(err)).toBe(true);
    expect((err as Error).message).toMatch(/no answer within the request timeout after it was sent/);
    expect(posts()).toBe(1);
    for (const res of hung) res.destroy();
  });

  it('does not resend a generateName create answered 500 without Retry-After (the write may have committed)', async () => {
    const client = await cluster.connect();
    failFirst(1, isPost, (res) => status(res, 500, 'InternalError', 'etcdserver: request timed out'));
    const err = (await client.create(generated()).catch((e: unknown) => e)) as KubeApiError;
    expect(isUncertainCreate(err)).toBe(true);
    expect(err.code).toBe(500);
    expect(err.message).toMatch(/the server answered 500 InternalError \(etcdserver: request timed out\)/);
    expect(posts()).toBe(1);
  });

  it('resends a generateName create the server turned away before any work: 429, or 5xx with Retry-After', async () => {
    const client = await cluster.connect();
    failFirst(1, isPost, (res) => status(res, 429, 'TooManyRequests', 'slow down', { 'retry-after': '0' }));
    const first = await client.create(generated());
    expect(first?.metadata.name).toMatch(/^gen-/);
    expect(posts()).toBe(2);
    failFirst(1, isPost, (res) => status(res, 503, 'ServiceUnavailable', 'apiserver is shutting down', { 'retry-after': '0' }));
    await client.create(generated());
    expect(posts()).toBe(4);
  });

  it('resends a named create; a 409 after that is success when the object carries every label sent (ours)', async () => {
    const client = await cluster.connect();
    await client.serverVersion();
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    const mine = configMap('made-by-first-attempt', 'x', { 'burn.dev/uuid': 'run-a', 'burn.dev/job': 'j' });
    // The first attempt commits, then its connection dies before the answer.
    failFirst(1, isPost, (res) => {
      cluster.server.put(structuredClone(mine) as never);
      res.socket!.destroy();
    });
    const created = await client.create(mine);
    expect(created?.metadata.name).toBe('made-by-first-attempt');
    expect(posts()).toBe(2);
    expect(records.map((r) => [r.verb, r.code, r.retries])).toEqual([
      ['GET', 200, 0],
      ['POST', 201, 1],
    ]);
  });

  it('a 409 after a resend is an error when the object is not ours (another run\'s uuid)', async () => {
    const client = await cluster.connect();
    await client.serverVersion();
    failFirst(1, isPost, (res) => {
      cluster.server.put(configMap('taken', 'x', { 'burn.dev/uuid': 'run-b' }) as never);
      res.socket!.destroy();
    });
    const err = (await client.create(configMap('taken', 'x', { 'burn.dev/uuid': 'run-a' })).catch((e: unknown) => e)) as KubeApiError;
    expect(isAlreadyExists(err)).toBe(true);
    expect(err.retries).toBe(1);
    // alreadyExistsOk still answers "it existed" (null), not "we made it"
    failFirst(1, isPost, (res) => res.socket!.destroy());
    await expect(client.create(configMap('taken', 'x', { 'burn.dev/uuid': 'run-a' }), { alreadyExistsOk: true })).resolves.toBeNull();
  });
});

describe('limits', () => {
  it('never has more requests in flight than maxConcurrency (a view without a token bucket)', async () => {
    const client = (await cluster.connect({ maxConcurrency: 3 })).unlimited();
    let inFlight = 0;
    let peak = 0;
    cluster.server.interceptors.push((req, res) => {
      if (!isPost(req)) return false;
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        status(res, 201, 'Created', '');
      }, 30);
      return true;
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.create(configMap(`cap-${i}`))));
    expect(peak).toBe(3);
  });

  it('keeps connections alive, no more of them than maxConcurrency', async () => {
    const before = cluster.server.connectionsAccepted;
    const client = (await cluster.connect({ maxConcurrency: 4, protocol: 'http1' })).unlimited();
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => client.create(configMap(`ka-${round}-${i}`), { discardResponse: true })));
    }
    expect(cluster.server.connectionsAccepted - before).toBeLessThanOrEqual(4);
  });

  it('asks for HTTP/2 and falls back to HTTP/1.1 with one connection per request in flight on a server without it', async () => {
    const before = cluster.server.connectionsAccepted;
    const client = (await cluster.connect({ maxConcurrency: 4 })).unlimited();
    for (let round = 0; round < 10; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => client.create(configMap(`h1-${round}-${i}`), { discardResponse: true })));
    }
    // the first connection found out the server speaks HTTP/1.1 only
    expect(cluster.server.connectionsAccepted - before).toBeLessThanOrEqual(5);
  });

  it('a rate-limited view keeps qps x latency requests in flight, beyond maxConcurrency when the server is slow', async () => {
    const client = (await cluster.connect({ maxConcurrency: 3 })).withLimits({ qps: 200, burst: 200 });
    let inFlight = 0;
    let peak = 0;
    cluster.server.interceptors.push((req, res) => {
      if (!isPost(req)) return false;
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => {
        inFlight--;
        status(res, 201, 'Created', '');
      }, 200);
      return true;
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.create(configMap(`little-${i}`))));
    // 3 fixed slots at 200 ms would hold the rate to 15/s; the job asked for 200
    expect(peak).toBeGreaterThan(3);
    expect(client.limits.maxConcurrency).toBeGreaterThanOrEqual(Math.ceil(200 * 0.2 * 2));
  });

  it('a rate-limited view grows its slots while the server holds every answer, not only when answers come back', async () => {
    const client = (await cluster.connect({ maxConcurrency: 1 })).withLimits({ qps: 100, burst: 100 });
    const held: Array<() => void> = [];
    cluster.server.interceptors.push((req, res) => {
      if (!isPost(req)) return false;
      held.push(() => status(res, 201, 'Created', ''));
      return true;
    });
    // 200 slots before any answer (1 s assumed at 100 qps, x2); the server answers nothing until all 400 arrived
    const sends = Array.from({ length: 400 }, (_, i) => client.create(configMap(`held-${i}`), { discardResponse: true }));
    for (let i = 0; i < 600 && held.length < 400; i++) await new Promise((r) => setTimeout(r, 50));
    const arrived = held.length;
    // Read before any answer: answers of the newest requests (held briefly) bring the estimate down again.
    const slotsWhileHeld = client.limits.maxConcurrency;
    for (const answer of held.splice(0)) answer();
    await Promise.all(sends);
    expect(arrived).toBe(400);
    expect(slotsWhileHeld).toBeGreaterThanOrEqual(400);
  });

  it('withLimits views have their own bucket but share listeners', async () => {
    const client = await cluster.connect({ qps: 1, burst: 1 });
    const records: RequestRecord[] = [];
    client.onRequest((r) => records.push(r));
    const fast = client.withLimits({ qps: 1000, burst: 100 });
    expect(client.limits.qps).toBe(1);
    expect(fast.limits).toMatchObject({ qps: 1000, burst: 100 });
    await client.create(configMap('slow-1')); // spends the only token
    const order: string[] = [];
    const slow = client.create(configMap('slow-2')).then(() => order.push('slow'));
    await Promise.all([fast.create(configMap('fast-1')), client.unlimited().create(configMap('free-1'))]).then(() => order.push('others'));
    await slow;
    expect(order).toEqual(['others', 'slow']);
    expect(records).toHaveLength(4);
  });
});

describe('lists', () => {
  it('paginates with limit/continue and returns every item', async () => {
    const client = await cluster.connect();
    for (let i = 0; i < 25; i++) cluster.server.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${String(i).padStart(2, '0')}`, namespace: 'pages' } });
    const pages: number[] = [];
    for await (const page of client.listPages('v1', 'ConfigMap', { namespace: 'pages', limit: 10 })) pages.push(page.items.length);
    expect(pages).toEqual([10, 10, 5]);
    const items = await client.list('v1', 'ConfigMap', { namespace: 'pages', limit: 10 });
    expect(items).toHaveLength(25);
    expect(items[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(cluster.server.requests.filter((r) => r.url.includes('continue=')).length).toBe(4);
  });

  it('counts page by page, asking for metadata only; a server without it answers whole objects, counted the same', async () => {
    const client = await cluster.connect();
    for (let i = 0; i < 12; i++) cluster.server.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `count-${i}`, namespace: 'counted' } });
    const before = cluster.server.requests.length;
    expect(await client.count('v1', 'ConfigMap', { namespace: 'counted', limit: 5 })).toBe(12);
    const lists = cluster.server.requests.slice(before).filter((r) => r.url.startsWith('/api/v1/namespaces/counted/configmaps'));
    expect(lists).toHaveLength(3);
    for (const r of lists) expect(r.headers.accept).toBe('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json');
  });

  it('starts over when the continue token expires', async () => {
    const client = await cluster.connect();
    for (let i = 0; i < 6; i++) cluster.server.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `exp-${i}`, namespace: 'expiry' } });
    const pages = client.listPages('v1', 'ConfigMap', { namespace: 'expiry', limit: 4 });
    const first = await pages.next();
    expect(first.value).toMatchObject({ restarted: false });
    // etcd compacted: tokens of that list are gone; someone adds an object meanwhile
    cluster.server.continueExpiredBefore = cluster.server.resourceVersion + 1;
    cluster.server.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'exp-new', namespace: 'expiry' } });
    const second = await pages.next();
    expect(second.value).toMatchObject({ restarted: true });
    await pages.return(undefined);
    // list() drops what it gathered before the restart: no duplicates
    failFirst(1, (r) => r.url.includes('continue='), (res) => status(res, 410, 'Expired', 'The provided continue parameter is too old'));
    const names = (await client.list('v1', 'ConfigMap', { namespace: 'expiry', limit: 4 })).map((i) => i.metadata.name);
    expect(names).toHaveLength(7);
    expect(new Set(names).size).toBe(7);
    // a token that expires every time ends in the 410, not a loop
    cluster.server.continueExpiredBefore = Number.MAX_SAFE_INTEGER;
    await expect(client.list('v1', 'ConfigMap', { namespace: 'expiry', limit: 4 })).rejects.toMatchObject({ code: 410 });
    cluster.server.continueExpiredBefore = 0;
  });
});

describe('discovery', () => {
  it('is read once per group-version and maps kinds to resources', async () => {
    const client = await cluster.connect();
    expect(await client.resolve('apps/v1', 'Deployment')).toMatchObject({ resource: 'deployments', namespaced: true, group: 'apps' });
    expect(await client.resolve('v1', 'Namespace')).toMatchObject({ resource: 'namespaces', namespaced: false });
    for (let i = 0; i < 5; i++) await client.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `disc-${i}`, namespace: 'd' } });
    expect(cluster.server.requests.filter((r) => r.url === '/apis/apps/v1')).toHaveLength(1);
  });

  it('names what is served when a kind is unknown, and finds a CRD created later', async () => {
    const client = await cluster.connect();
    const err = (await client.resolve('apps/v1', 'Deploymnet').catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/kind Deploymnet of apiVersion apps\/v1 is not served by the cluster \(apps\/v1 serves: Deployment\)/);
    await expect(client.resolve('burn.dev/v1', 'Widget')).rejects.toThrow(/no resources served under burn.dev\/v1/);
    cluster.server.addResource({ group: 'burn.dev', version: 'v1', resource: 'widgets', kind: 'Widget', namespaced: true });
    await client.create({ apiVersion: 'burn.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } });
    expect(cluster.server.requests.at(-1)!.url).toBe('/apis/burn.dev/v1/namespaces/x/widgets');
  });
});

describe('streamed bodies (/metrics)', () => {
  const text = Array.from({ length: 5_000 }, (_, i) => `apiserver_request_total{code="200",resource="r${i % 40}",verb="GET"} ${i}`).join('\n') + '\n';

  /** Serves `text` at /metrics, gzip-compressed when `compress` and the client asks for it, as kube-apiserver does. */
  function serveMetrics(compress: boolean): void {
    cluster.server.interceptors.push((req, res) => {
      if (req.url !== '/metrics') return false;
      const gzip = compress && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync(text) : text);
      return true;
    });
  }

  async function scraped(): Promise<string> {
    const client = await cluster.connect();
    const chunks: Buffer[] = [];
    await client.requestStream('/metrics', () => ({ push: (c) => chunks.push(c), end: () => undefined }));
    return Buffer.concat(chunks).toString('utf8');
  }

  it('asks for gzip and hands the sink the inflated text (kube-apiserver: 3.4 MB, 150 KB compressed)', async () => {
    serveMetrics(true);
    expect(await scraped()).toBe(text);
    expect(cluster.server.requests.find((r) => r.url === '/metrics')!.headers['accept-encoding']).toBe('gzip');
  });

  it('reads a plain body from a server that does not compress', async () => {
    serveMetrics(false);
    expect(await scraped()).toBe(text);
  });

  it('a corrupt compressed body is an error, not a short text', async () => {
    cluster.server.interceptors.push((req, res) => {
      if (req.url !== '/metrics') return false;
      const body = gzipSync(text);
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(body.subarray(0, body.length >> 1));
      return true;
    });
    await expect(scraped()).rejects.toThrow();
  });
});
