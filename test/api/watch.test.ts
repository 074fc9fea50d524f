import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, openTarget, type ApiTarget } from './target.js';

let api: ApiTarget;
let ns: string;
beforeAll(async () => {
  api = await openTarget();
  ns = await api.namespace('watch');
});
afterAll(async () => api?.close());

const cms = () => `/api/v1/namespaces/${ns}/configmaps`;

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the list resourceVersion', async () => {
    const list = await api.request('GET', `${cms()}?labelSelector=case%3Dlive`);
    const rv = list.json.metadata.resourceVersion;
    const stream = await api.watch(`${cms()}?watch=1&resourceVersion=${rv}&labelSelector=case%3Dlive`);
    expect(stream.status).toBe(200);
    try {
      const created = (await api.request('POST', cms(), { body: configMap('live', { case: 'live' }) })).json;
      const added = await stream.until((e) => e.object.metadata.name === 'live');
      expect(added.type).toBe('ADDED');
      expect(added.object.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      await api.request('PATCH', `${cms()}/live`, { body: { data: { key: 'v2' } }, contentType: 'application/merge-patch+json' });
      const modified = await stream.until((e) => e.object.metadata.name === 'live');
      expect(modified.type).toBe('MODIFIED');
      expect(modified.object.data.key).toBe('v2');
      await api.request('DELETE', `${cms()}/live`);
      const deleted = await stream.until((e) => e.object.metadata.name === 'live');
      expect(deleted.type).toBe('DELETED');
    } finally {
      stream.close();
    }
  });

  it('starts with synthetic ADDED events for the current state when resourceVersion is 0', async () => {
    await api.request('POST', cms(), { body: configMap('existing', { case: 'initial' }) });
    const stream = await api.watch(`${cms()}?watch=true&resourceVersion=0&labelSelector=case%3Dinitial`);
    try {
      const first = await stream.until((e) => e.object.metadata.name === 'existing');
      expect(first.type).toBe('ADDED');
    } finally {
      stream.close();
    }
  });

  it('replays the changes after an older resourceVersion still in the window', async () => {
    const rv = (await api.request('GET', cms())).json.metadata.resourceVersion;
    await api.request('POST', cms(), { body: configMap('replay-1', { case: 'replay' }) });
    await api.request('POST', cms(), { body: configMap('replay-2', { case: 'replay' }) });
    const stream = await api.watch(`${cms()}?watch=1&resourceVersion=${rv}&labelSelector=case%3Dreplay`);
    try {
      const a = await stream.until(() => true);
      const b = await stream.until(() => true);
      expect([a, b].map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED replay-1', 'ADDED replay-2']);
    } finally {
      stream.close();
    }
  });

  it('sends DELETED when an object stops matching the selector and ADDED when it starts', async () => {
    await api.request('POST', cms(), { body: configMap('mover', { case: 'sel', state: 'in' }) });
    const rv = (await api.request('GET', cms())).json.metadata.resourceVersion;
    const stream = await api.watch(`${cms()}?watch=1&resourceVersion=${rv}&labelSelector=state%3Din`);
    try {
      const patch = (state: string) => api.request('PATCH', `${cms()}/mover`, { body: { metadata: { labels: { state } } }, contentType: 'application/merge-patch+json' });
      await patch('out');
      expect((await stream.until((e) => e.object.metadata.name === 'mover')).type).toBe('DELETED');
      await patch('in');
      expect((await stream.until((e) => e.object.metadata.name === 'mover')).type).toBe('ADDED');
    } finally {
      stream.close();
    }
  });

  it('watches one object by field selector', async () => {
    await api.request('POST', cms(), { body: configMap('one') });
    await api.request('POST', cms(), { body: configMap('other') });
    const rv = (await api.request('GET', cms())).json.metadata.resourceVersion;
    const stream = await api.watch(`${cms()}?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Done`);
    try {
      await api.request('PATCH', `${cms()}/other`, { body: { data: { x: '1' } }, contentType: 'application/merge-patch+json' });
      await api.request('PATCH', `${cms()}/one`, { body: { data: { x: '1' } }, contentType: 'application/merge-patch+json' });
      const event = await stream.until(() => true);
      expect(event.object.metadata.name).toBe('one');
    } finally {
      stream.close();
    }
  });

  it('ends the stream after timeoutSeconds', async () => {
    const rv = (await api.request('GET', cms())).json.metadata.resourceVersion;
    const stream = await api.watch(`${cms()}?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    const outcome = await Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still open'), 15_000))]);
    expect(outcome).toBe('ended');
  });

  it('replays from any resourceVersion its window still holds, and answers 410 Gone once the window moved past it', async () => {
    const oldRv = (await api.request('GET', `${cms()}?limit=1`)).json.metadata.resourceVersion;
    const writeMany = async (prefix: string, count: number) => {
      for (let i = 0; i < count; i += 25) {
        await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, j) => api.request('POST', cms(), { body: configMap(`${prefix}-${i + j}`, { case: 'window' }) })));
      }
    };
    await writeMany('before', 150);
    const replay = await api.watch(`${cms()}?watch=1&resourceVersion=${oldRv}&labelSelector=case%3Dwindow`);
    try {
      expect((await replay.until(() => true)).type).toBe('ADDED');
    } finally {
      replay.close();
    }
    // The apiserver's watch cache evicts only events more than 75 s old once it is full (it grows while
    // its events are fresh); the simulator drops them at 75 s too, or sooner past its window of events
    // per resource, which the test profile keeps small.
    if (api.kind !== 'sim') await new Promise((resolve) => setTimeout(resolve, 80_000));
    await writeMany('after', 400);
    const stream = await api.watch(`${cms()}?watch=1&resourceVersion=${oldRv}`);
    try {
      const event = await stream.until(() => true);
      expect(event.type).toBe('ERROR');
      expect(event.object).toMatchObject({ kind: 'Status', code: 410 });
      expect(['Expired', 'Gone']).toContain(event.object.reason);
    } finally {
      stream.close();
    }
  }, 180_000);

  it('marks the end of the initial events with a bookmark when asked to send them', async () => {
    await api.request('POST', cms(), { body: configMap('initial-1', { case: 'sendinitial' }) });
    const stream = await api.watch(`${cms()}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=case%3Dsendinitial`);
    try {
      const added = await stream.until(() => true);
      expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'initial-1' } } });
      const bookmark = await stream.until((e) => e.type === 'BOOKMARK');
      expect(bookmark.object.metadata.annotations['k8s.io/initial-events-end']).toBe('true');
      expect(bookmark.object.kind).toBe('ConfigMap');
    } finally {
      stream.close();
    }
  });
});
