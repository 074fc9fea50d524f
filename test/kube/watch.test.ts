import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject, WatchEventType, WatchHandle } from '../../src/kube/index.js';
import { nowMs } from '../../src/shared/clock.js';
import { UserError } from '../../src/shared/errors.js';
import { TestCluster } from './helpers/cluster.js';
import { status, type Interceptor, type Obj } from './helpers/fake-apiserver.js';

const cluster = new TestCluster();
const handles: WatchHandle[] = [];
beforeAll(() => cluster.start());
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
  await cluster.closeClients();
});
afterAll(() => cluster.stop());

let seq = 0;
function pod(name: string, namespace: string, phase = 'Pending'): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: 'w' }, uid: `uid-${++seq}` }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase } };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (let i = 0; i < timeoutMs / 10; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Projection: what a pod-latency measurement would keep. */
interface PodTimes {
  name: string;
  phase: string;
}

async function watchPods(namespace: string) {
  const client = await cluster.connect();
  const events: Array<[WatchEventType, string, string]> = [];
  const observed: number[] = [];
  const late: number[] = [];
  const projectedArgs: KubeObject[] = [];
  let syncedCalls = 0;
  const handle = client.watchResources<PodTimes>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace,
    labelSelector: 'app=w',
    project: (obj) => {
      projectedArgs.push(obj);
      return { name: obj.metadata.name!, phase: obj.status?.phase as string };
    },
    onEvent: (type, obj, observedAtMs, lateByMs) => {
      events.push([type, obj.name, obj.phase]);
      observed.push(observedAtMs);
      late.push(lateByMs);
    },
    onSynced: () => syncedCalls++,
  });
  handles.push(handle);
  return { client, handle, events, observed, late, syncedCalls: () => syncedCalls, projectedArgs };
}

const watchRequests = (ns: string) => cluster.server.requests.filter((r) => r.url.startsWith(`/api/v1/namespaces/${ns}/pods?`) && r.url.includes('watch=1'));
const lists = (ns: string) => cluster.server.requests.filter((r) => r.url.startsWith(`/api/v1/namespaces/${ns}/pods?`) && !r.url.includes('watch=1'));
const limitOf = (url: string) => new URL(url, 'https://x').searchParams.get('limit');
/** Lists of the watched objects (not the one-item list that asks the server's version after an outage). */
const listRequests = (ns: string) => lists(ns).filter((r) => limitOf(r.url) !== '1');
const versionProbes = (ns: string) => lists(ns).filter((r) => limitOf(r.url) === '1');

describe('watchResources', () => {
  it('lists, then watches from the list resourceVersion with bookmarks, delivering projections', async () => {
    for (let i = 0; i < 3; i++) cluster.server.put(pod(`p${i}`, 'w1'));
    cluster.server.put({ ...pod('other', 'w1'), metadata: { name: 'other', namespace: 'w1', labels: { app: 'no' } } });
    const before = nowMs();
    const w = await watchPods('w1');
    await w.handle.synced;
    expect(w.syncedCalls()).toBe(1);
    expect(w.events).toEqual([
      ['ADDED', 'p0', 'Pending'],
      ['ADDED', 'p1', 'Pending'],
      ['ADDED', 'p2', 'Pending'],
    ]);
    await waitFor('the watch to open', () => watchRequests('w1').length === 1);
    const query = new URL(watchRequests('w1')[0].url, 'https://x').searchParams;
    expect(query.get('allowWatchBookmarks')).toBe('true');
    expect(query.get('labelSelector')).toBe('app=w');
    expect(Number(query.get('resourceVersion'))).toBe(cluster.server.resourceVersion);

    await waitFor('the server to register the watch', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('p3', 'w1'));
    cluster.server.put(pod('p0', 'w1', 'Running'), 'MODIFIED');
    cluster.server.remove('Pod', 'p1', 'w1');
    await waitFor('three events', () => w.events.length === 6);
    expect(w.events.slice(3)).toEqual([
      ['ADDED', 'p3', 'Pending'],
      ['MODIFIED', 'p0', 'Running'],
      ['DELETED', 'p1', 'Pending'],
    ]);
    for (const t of w.observed) expect(t).toBeGreaterThanOrEqual(before);
    expect(w.observed[5]).toBeGreaterThanOrEqual(w.observed[3]);
  });

  it('re-watches from the last resourceVersion when the stream drops, without relisting, and marks what changed meanwhile late', async () => {
    const w = await watchPods('w2');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('a', 'w2'));
    await waitFor('a', () => w.events.length === 1);
    expect(w.handle.outages()).toEqual([]);
    const cutAt = nowMs();
    cluster.server.dropWatches();
    // while nobody watches
    cluster.server.put(pod('b', 'w2'));
    cluster.server.put(pod('a', 'w2', 'Running'), 'MODIFIED');
    await waitFor('events after the re-watch', () => w.events.length === 3);
    expect(w.events).toEqual([
      ['ADDED', 'a', 'Pending'],
      ['ADDED', 'b', 'Pending'],
      ['MODIFIED', 'a', 'Running'],
    ]);
    // the changes made while it was cut off come late, by at most the time since it was cut; the
    // server's version was asked once to know which
    const outageMs = nowMs() - cutAt;
    expect(w.late[0]).toBe(0);
    for (const lateBy of w.late.slice(1)) expect(lateBy).toBeGreaterThan(0), expect(lateBy).toBeLessThanOrEqual(outageMs + 50);
    expect(listRequests('w2')).toHaveLength(1);
    expect(versionProbes('w2')).toHaveLength(1);
    expect(watchRequests('w2')).toHaveLength(2);
    const [outage, ...more] = w.handle.outages();
    expect(more).toEqual([]);
    expect(outage!.fromMs).toBeGreaterThanOrEqual(cutAt - 5);
    expect(outage!.toMs).toBeGreaterThanOrEqual(outage!.fromMs);
    expect(outage!.error).toMatch(/./);
    // what changes after it is back is on time
    await waitFor('watch again', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('c', 'w2'));
    await waitFor('c', () => w.events.length === 4);
    expect(w.late[3]).toBe(0);
  });

  it('a watch the server cannot answer is in an outage until it follows again', async () => {
    const w = await watchPods('w2b');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    let failing = true;
    const unavailable: Interceptor = (req, res) => {
      if (!failing || !req.url.startsWith('/api/v1/namespaces/w2b/')) return false;
      status(res, 503, 'ServiceUnavailable', 'down for the test');
      return true;
    };
    cluster.server.interceptors.push(unavailable);
    try {
      cluster.server.dropWatches();
      const seen = cluster.server.requests.length;
      await waitFor('failed attempts', () => w.handle.outages().length === 1 && cluster.server.requests.slice(seen).filter((r) => r.url.includes('/w2b/')).length >= 3);
      expect(w.handle.outages()[0]!.toMs).toBeUndefined();
      failing = false;
      // the watch backs off up to 5 s between attempts
      await waitFor('the watch back', () => w.handle.outages()[0]!.toMs !== undefined, 20_000);
      expect(w.handle.outages()).toHaveLength(1);
    } finally {
      cluster.server.interceptors.splice(cluster.server.interceptors.indexOf(unavailable), 1);
    }
  });

  it('resumes from a bookmark resourceVersion', async () => {
    const w = await watchPods('w3');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('elsewhere', 'not-w3')); // moves the resourceVersion without an event for us
    cluster.server.bookmark();
    const bookmarkRv = cluster.server.resourceVersion;
    // give the bookmark line time to arrive, then cut the stream
    await new Promise((r) => setTimeout(r, 100));
    cluster.server.dropWatches();
    await waitFor('re-watch', () => watchRequests('w3').length === 2);
    expect(new URL(watchRequests('w3')[1].url, 'https://x').searchParams.get('resourceVersion')).toBe(String(bookmarkRv));
    expect(w.events).toEqual([]);
  });

  it('relists on 410 Gone and emits what changed meanwhile', async () => {
    cluster.server.put(pod('keep', 'w4'));
    cluster.server.put(pod('change', 'w4'));
    cluster.server.put(pod('gone', 'w4'));
    const w = await watchPods('w4');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    cluster.server.dropWatches();
    cluster.server.put(pod('change', 'w4', 'Running'), 'MODIFIED');
    cluster.server.remove('Pod', 'gone', 'w4');
    cluster.server.put(pod('new', 'w4'));
    cluster.server.compactedRv = cluster.server.resourceVersion; // history compacted: older resourceVersions are gone
    await waitFor('the relist', () => w.events.length === 6);
    // The watch keeps versions, not objects: what vanished meanwhile is told by its name alone.
    expect(w.events.slice(3).sort()).toEqual([
      ['ADDED', 'new', 'Pending'],
      ['DELETED', 'gone', undefined],
      ['MODIFIED', 'change', 'Running'],
    ]);
    expect(w.projectedArgs.at(-1)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'w4', name: 'gone', resourceVersion: expect.stringMatching(/^\d+$/) } });
    // and the unchanged pod was not projected again
    expect(w.projectedArgs.filter((o) => o.metadata.name === 'keep')).toHaveLength(1);
    expect(listRequests('w4')).toHaveLength(2);
    // what the relist found changed, it found late; the first list was on time
    expect(w.late.slice(0, 3)).toEqual([0, 0, 0]);
    for (const lateBy of w.late.slice(3)) expect(lateBy).toBeGreaterThan(0);
    expect(w.handle.outages()).toHaveLength(1);
    cluster.server.compactedRv = 0;
    // and it watches on from the new list
    await waitFor('watch again', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('after', 'w4'));
    await waitFor('after', () => w.events.length === 7);
    expect(w.events[6]).toEqual(['ADDED', 'after', 'Pending']);
    expect(w.late[6]).toBe(0);
    expect(w.syncedCalls()).toBe(1);
  });

  it('caughtUp waits until the watch shows what a fresh list has, at that version or newer', async () => {
    cluster.server.put(pod('old', 'w7'));
    const w = await watchPods('w7');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    expect(await w.handle.caughtUp(1000)).toEqual([]);
    cluster.server.holdWatchEvents();
    cluster.server.put(pod('new', 'w7'));
    cluster.server.put(pod('old', 'w7', 'Running'), 'MODIFIED');
    const waiting = w.handle.caughtUp(5000);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.events).toEqual([['ADDED', 'old', 'Pending']]);
    cluster.server.releaseWatchEvents();
    expect(await waiting).toEqual([]);
    expect(w.events).toEqual([
      ['ADDED', 'old', 'Pending'],
      ['ADDED', 'new', 'Pending'],
      ['MODIFIED', 'old', 'Running'],
    ]);
  });

  it('caughtUp lists names and versions only, and reads whole only the objects the watch is behind on', async () => {
    const seen: string[] = [];
    const record = (req: { url: string; headers: Record<string, string | string[] | undefined> }) => {
      if (req.url.startsWith('/api/v1/namespaces/w9/pods') && !req.url.includes('watch=')) seen.push(`${req.url} ${String(req.headers.accept)}`);
      return false;
    };
    cluster.server.interceptors.push(record);
    try {
      cluster.server.put(pod('old', 'w9'));
      const w = await watchPods('w9');
      await w.handle.synced;
      await waitFor('watch', () => cluster.server.openWatches === 1);
      seen.length = 0;
      expect(await w.handle.caughtUp(1000)).toEqual([]);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toContain('as=PartialObjectMetadataList');

      cluster.server.holdWatchEvents();
      cluster.server.put(pod('late', 'w9', 'Running'));
      seen.length = 0;
      expect(await w.handle.caughtUp(100)).toEqual([{ name: 'late', phase: 'Running' }]);
      // each round: the names and versions, then the one object the watch has not shown, by name
      expect(seen.filter((s) => s.includes('as=PartialObjectMetadataList')).length).toBeGreaterThan(0);
      expect(seen.filter((s) => !s.includes('as=PartialObjectMetadataList')).every((s) => s.startsWith('/api/v1/namespaces/w9/pods/late '))).toBe(true);

      // many behind: read whole in pages, not one by one
      for (let i = 0; i < 60; i++) cluster.server.put(pod(`many-${i}`, 'w9', 'Running'));
      seen.length = 0;
      expect(await w.handle.caughtUp(100)).toHaveLength(61);
      const whole = seen.filter((s) => !s.includes('as=PartialObjectMetadataList'));
      expect(whole.length).toBeGreaterThan(0);
      expect(whole.every((s) => s.startsWith('/api/v1/namespaces/w9/pods?') && s.includes('limit=100'))).toBe(true);
    } finally {
      cluster.server.releaseWatchEvents();
      cluster.server.interceptors.splice(cluster.server.interceptors.indexOf(record), 1);
    }
  });

  it('caughtUp gives up at its deadline and returns the projections the watch has not shown', async () => {
    const w = await watchPods('w8');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    cluster.server.holdWatchEvents();
    try {
      cluster.server.put(pod('late', 'w8', 'Running'));
      const started = nowMs();
      expect(await w.handle.caughtUp(400)).toEqual([{ name: 'late', phase: 'Running' }]);
      expect(nowMs() - started).toBeGreaterThanOrEqual(350);
      expect(w.events).toEqual([]);
    } finally {
      cluster.server.releaseWatchEvents();
    }
  });

  it('stop() ends the stream', async () => {
    const w = await watchPods('w5');
    await w.handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    await w.handle.stop();
    await waitFor('the server to see it closed', () => cluster.server.openWatches === 0);
    cluster.server.put(pod('late', 'w5'));
    await new Promise((r) => setTimeout(r, 50));
    expect(w.events).toEqual([]);
  });

  it('ends quietly when its client is closed', async () => {
    const client = await cluster.connect();
    const errors: unknown[] = [];
    const handle = client.watchResources({ apiVersion: 'v1', kind: 'Pod', namespace: 'w6', onEvent: () => undefined, onError: (e) => errors.push(e) });
    handles.push(handle);
    await handle.synced;
    await waitFor('watch', () => cluster.server.openWatches === 1);
    await client.close();
    await waitFor('the server to see it closed', () => cluster.server.openWatches === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors).toEqual([]);
  });

  it('rejects synced when the first list cannot be made', async () => {
    const client = await cluster.connect();
    const unknown = client.watchResources({ apiVersion: 'v1', kind: 'Pdo', onEvent: () => undefined });
    handles.push(unknown);
    await expect(unknown.synced).rejects.toBeInstanceOf(UserError);

    cluster.server.interceptors.push((req, res) => {
      if (!req.url.startsWith('/api/v1/namespaces/locked/pods')) return false;
      status(res, 403, 'Forbidden', 'pods is forbidden: User "dev" cannot list resource "pods"');
      return true;
    });
    const denied = client.watchResources({ apiVersion: 'v1', kind: 'Pod', namespace: 'locked', onEvent: () => undefined });
    handles.push(denied);
    await expect(denied.synced).rejects.toThrow(/RBAC denied: not allowed to list pods in namespace "locked"/);
  });
});
