import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, WatchEventType, WatchHandle } from '../../src/kube/index.js';
import { TestCluster } from './helpers/cluster.js';
import type { Obj } from './helpers/fake-apiserver.js';

const cluster = new TestCluster();
const handles: WatchHandle<unknown>[] = [];
beforeAll(() => cluster.start());
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
  await cluster.closeClients();
});
afterAll(() => cluster.stop());

function pod(name: string, namespace: string, phase = 'Pending'): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'x' }] }, status: { phase } };
}

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const podRequests = (ns: string, watch: boolean) =>
  cluster.server.requests.filter((r) => r.url.startsWith(`/api/v1/namespaces/${ns}/pods?`) && r.url.includes('watch=1') === watch);

/** A subscriber with its own projection: the name, or the name and phase. */
function subscribe(client: KubeClient, namespace: string, project: (obj: Obj) => string, share = true) {
  const events: Array<[WatchEventType, string]> = [];
  const handle = client.watchResources<string>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace,
    labelSelector: 'app=s',
    share,
    project: (obj) => project(obj as Obj),
    onEvent: (type, value) => events.push([type, value]),
  });
  handles.push(handle as WatchHandle<unknown>);
  return { handle, events };
}

const nameOf = (o: Obj) => o.metadata.name as string;
const nameAndPhase = (o: Obj) => `${o.metadata.name}:${(o.status as { phase?: string } | undefined)?.phase}`;

describe('shared watches', () => {
  it('give two subscribers of the same pods one list and one stream, each its own projection', async () => {
    cluster.server.put(pod('a', 's1'));
    const client = await cluster.connect();
    const first = subscribe(client, 's1', nameOf);
    const second = subscribe(client, 's1', nameAndPhase);
    await Promise.all([first.handle.synced, second.handle.synced]);
    await waitFor('the watch', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('a', 's1', 'Running'), 'MODIFIED');
    cluster.server.put(pod('b', 's1'));
    await waitFor('the events', () => first.events.length === 3 && second.events.length === 3);
    expect(first.events).toEqual([['ADDED', 'a'], ['MODIFIED', 'a'], ['ADDED', 'b']]);
    expect(second.events).toEqual([['ADDED', 'a:Pending'], ['MODIFIED', 'a:Running'], ['ADDED', 'b:Pending']]);
    expect(podRequests('s1', false)).toHaveLength(1);
    expect(podRequests('s1', true)).toHaveLength(1);
  });

  it('give a subscriber that joins a listed watch what is there (a list of its own), then what happens', async () => {
    cluster.server.put(pod('old', 's2'));
    const client = await cluster.connect();
    const first = subscribe(client, 's2', nameOf);
    await first.handle.synced;
    await waitFor('the watch', () => cluster.server.openWatches === 1);
    cluster.server.put(pod('before-join', 's2'));
    await waitFor('the first event', () => first.events.length === 2);
    const joiner = subscribe(client, 's2', nameAndPhase);
    await joiner.handle.synced;
    expect(joiner.events.map(([type, value]) => `${type} ${value}`).sort()).toEqual(['ADDED before-join:Pending', 'ADDED old:Pending']);
    cluster.server.put(pod('old', 's2', 'Running'), 'MODIFIED');
    await waitFor('the joiner hears it', () => joiner.events.length === 3);
    expect(joiner.events[2]).toEqual(['MODIFIED', 'old:Running']);
    expect(podRequests('s2', true)).toHaveLength(1);
    // the joiner's caughtUp projects with its own projection
    cluster.server.holdWatchEvents();
    try {
      cluster.server.put(pod('old', 's2', 'Succeeded'), 'MODIFIED');
      expect(await joiner.handle.caughtUp(300, (listed) => listed === 'old:Succeeded')).toEqual(['old:Succeeded']);
    } finally {
      cluster.server.releaseWatchEvents();
    }
    expect(await joiner.handle.caughtUp(2000)).toEqual([]);
  });

  it('keep the stream while a subscriber is left and close it with the last; unshared watches stay apart', async () => {
    const client = await cluster.connect();
    const first = subscribe(client, 's3', nameOf);
    const second = subscribe(client, 's3', nameOf);
    const apart = subscribe(client, 's3', nameOf, false);
    await Promise.all([first.handle.synced, second.handle.synced, apart.handle.synced]);
    await waitFor('two streams', () => cluster.server.openWatches === 2);
    await first.handle.stop();
    cluster.server.put(pod('c', 's3'));
    await waitFor('the others hear it', () => second.events.length === 1 && apart.events.length === 1);
    expect(first.events).toEqual([]);
    await second.handle.stop();
    await waitFor('one stream left', () => cluster.server.openWatches === 1);
    // a later subscriber starts a new stream
    const later = subscribe(client, 's3', nameOf);
    await later.handle.synced;
    expect(later.events).toEqual([['ADDED', 'c']]);
    await waitFor('two streams again', () => cluster.server.openWatches === 2);
  });
});
