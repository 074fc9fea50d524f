import { describe, expect, it } from 'vitest';
import { createStore, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../src/sim/store.js';
import { builtinResources } from '../../src/sim/server/resources.js';
import { StatusError } from '../../src/sim/status.js';
import type { KubeObject, StoreEvent } from '../../src/sim/types.js';

function newStore(watchWindow = 1000) {
  const store = createStore(builtinResources, { watchWindow });
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
  return store;
}

const cm = (name: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns1', labels }, data: { a: '1' } });

function statusOf(fn: () => unknown): { code: number; reason: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return { code: err.code, reason: err.reason };
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('sim store', () => {
  it('creates with uid, resourceVersion, creationTimestamp and rejects duplicates', () => {
    const store = newStore();
    const created = store.create('configmaps', cm('a'));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBe(store.revision());
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(statusOf(() => store.create('configmaps', cm('a')))).toEqual({ code: 409, reason: 'AlreadyExists' });
    expect(Object.isFrozen(created.metadata)).toBe(true);
  });

  it('resolves generateName and requires a name', () => {
    const store = newStore();
    const obj = store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', namespace: 'ns1' } });
    expect(obj.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(statusOf(() => store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'ns1' } }))).toEqual({ code: 422, reason: 'Invalid' });
    expect(statusOf(() => store.create('configmaps', cm('Bad_Name')))).toEqual({ code: 422, reason: 'Invalid' });
  });

  it('refuses objects in missing or terminating namespaces', () => {
    const store = newStore();
    expect(statusOf(() => store.create('configmaps', { ...cm('a'), metadata: { name: 'a', namespace: 'nope' } }))).toEqual({ code: 404, reason: 'NotFound' });
    const ns = store.delete('namespaces', undefined, 'ns1');
    expect(ns?.status.phase).toBe('Terminating');
    expect(ns?.metadata.deletionTimestamp).toBeDefined();
    expect(statusOf(() => store.create('configmaps', cm('b')))).toEqual({ code: 403, reason: 'Forbidden' });
  });

  it('updates with conflict detection, generation bumps and no-op detection', () => {
    const store = newStore();
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
    const dep = store.create('apps/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'apps' },
      spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    expect(dep.metadata.generation).toBe(1);
    const scaled = store.update('apps/deployments', { ...dep, spec: { ...dep.spec, replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(statusOf(() => store.update('apps/deployments', { ...dep, spec: { ...dep.spec, replicas: 4 } }))).toEqual({ code: 409, reason: 'Conflict' });
    const labelled = store.update('apps/deployments', { ...scaled, metadata: { ...scaled.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(2);
    const same = store.update('apps/deployments', labelled);
    expect(same.metadata.resourceVersion).toBe(labelled.metadata.resourceVersion);
  });

  it('mutates on a private copy and skips when the function returns false', () => {
    const store = newStore();
    const before = store.create('configmaps', cm('m'));
    expect(store.mutate('configmaps', 'ns1', 'm', () => false)).toBe(before);
    const after = store.mutate('configmaps', 'ns1', 'm', (o) => {
      o.data.a = '2';
    });
    expect(after?.data.a).toBe('2');
    expect(before.data.a).toBe('1');
    expect(store.mutate('configmaps', 'ns1', 'missing', () => undefined)).toBeUndefined();
  });

  it('mutates shallowly: top-level, metadata, spec and status fields are private, deeper values stay shared and frozen', () => {
    const store = newStore();
    const before = store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const events: StoreEvent[] = [];
    store.on('pods', (e) => events.push(e));
    const after = store.mutateShallow('pods', 'ns1', 'p', (p) => {
      p.spec.nodeName = 'n1';
      p.status = { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    })!;
    expect(after.spec.nodeName).toBe('n1');
    expect(after.status.phase).toBe('Running');
    expect(before.spec.nodeName).toBeUndefined();
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    // Unchanged subtrees are the stored ones, not copies.
    expect(after.spec.containers).toBe(before.spec.containers);
    expect(after.metadata.labels).toBe(before.metadata.labels);
    expect(Object.isFrozen(after.status.conditions[0])).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['MODIFIED']);
    // Deeper than one level below the object the values are the stored ones: writing into them throws.
    expect(() => store.mutateShallow('pods', 'ns1', 'p', (p) => void (p.spec.containers[0].image = 'x'))).toThrow(TypeError);
    expect(store.get('pods', 'ns1', 'p')!.spec.containers[0].image).toBe('i');
    expect(store.mutateShallow('pods', 'ns1', 'p', () => false)).toBe(after);
    expect(store.mutateShallow('pods', 'ns1', 'missing', () => undefined)).toBeUndefined();
  });

  it('delivers events in revision order even when a listener writes', () => {
    const store = newStore();
    const seen: string[] = [];
    store.on('configmaps', (e: StoreEvent) => {
      seen.push(`${e.type}:${e.object.metadata.name}:${e.object.metadata.resourceVersion}`);
      if (e.type === 'ADDED' && e.object.metadata.name === 'first') store.create('configmaps', cm('second'));
    });
    store.create('configmaps', cm('first'));
    const rvs = seen.map((s) => Number(s.split(':')[2]));
    expect(seen.map((s) => s.split(':').slice(0, 2).join(':'))).toEqual(['ADDED:first', 'ADDED:second']);
    expect(rvs[1]).toBeGreaterThan(rvs[0]!);
  });

  it('deletes bound pods gracefully and unbound pods at once', () => {
    const store = newStore();
    const pod = (name: string, nodeName?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns1' }, spec: { nodeName, containers: [{ name: 'c', image: 'i' }] } });
    store.create('pods', pod('unbound'));
    store.create('pods', pod('bound', 'node-1'));
    const gone = store.delete('pods', 'ns1', 'unbound');
    expect(store.get('pods', 'ns1', 'unbound')).toBeUndefined();
    expect(gone?.metadata.name).toBe('unbound');
    const terminating = store.delete('pods', 'ns1', 'bound');
    expect(terminating?.metadata.deletionTimestamp).toBeDefined();
    expect(terminating?.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get('pods', 'ns1', 'bound')).toBeDefined();
    store.delete('pods', 'ns1', 'bound', { gracePeriodSeconds: 0 });
    expect(store.get('pods', 'ns1', 'bound')).toBeUndefined();
  });

  it('holds objects with finalizers until the finalizers are removed, and marks propagation finalizers', () => {
    const store = newStore();
    store.create('configmaps', { ...cm('f'), metadata: { name: 'f', namespace: 'ns1', finalizers: ['example.com/x'] } });
    expect(store.delete('configmaps', 'ns1', 'f')?.metadata.deletionTimestamp).toBeDefined();
    store.mutate('configmaps', 'ns1', 'f', (o) => {
      o.metadata.finalizers = [];
    });
    expect(store.get('configmaps', 'ns1', 'f')).toBeUndefined();
    store.create('configmaps', cm('o'));
    expect(store.delete('configmaps', 'ns1', 'o', { propagationPolicy: 'Orphan' })?.metadata.finalizers).toEqual([ORPHAN_FINALIZER]);
    store.create('configmaps', cm('g'));
    expect(store.delete('configmaps', 'ns1', 'g', { propagationPolicy: 'Foreground' })?.metadata.finalizers).toEqual([FOREGROUND_FINALIZER]);
  });

  it('keeps a bounded history per resource for watches and reports expired revisions', () => {
    const store = newStore(5);
    const start = store.revision();
    for (let i = 0; i < 3; i++) store.create('configmaps', cm(`h${i}`));
    const recent = store.historySince('configmaps', start);
    expect('events' in recent && recent.events.map((e) => e.event.object.metadata.name)).toEqual(['h0', 'h1', 'h2']);
    const beforeSecrets = store.revision();
    for (let i = 3; i < 10; i++) store.create('configmaps', cm(`h${i}`));
    expect('expired' in store.historySince('configmaps', start)).toBe(true);
    const tail = store.historySince('configmaps', store.revision() - 2);
    expect('events' in tail && tail.events.length).toBe(2);
    // Config map churn does not expire a watch on secrets.
    expect(store.historySince('secrets', beforeSecrets)).toEqual({ events: [] });
    store.compact();
    expect('expired' in store.historySince('secrets', beforeSecrets)).toBe(true);
  });

  it('ages its history: events older than the age limit are dropped, those of idle resources too, and watches from before them get 410', () => {
    let clock = 0;
    const store = createStore(builtinResources, { watchWindow: 10_000, historyMaxAgeMs: 1000, now: () => clock });
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
    const start = store.revision();
    store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns1' } });
    for (let i = 0; i < 3; i++) store.create('configmaps', cm(`old${i}`));
    clock = 600;
    store.create('configmaps', cm('mid'));
    const midRv = store.revision();
    clock = 1500;
    store.create('configmaps', cm('new'));
    // the three older than 1 s are gone; the one of 0.9 s ago stays
    expect('expired' in store.historySince('configmaps', start)).toBe(true);
    const kept = store.historySince('configmaps', midRv - 1);
    expect('events' in kept && kept.events.map((e) => e.event.object.metadata.name)).toEqual(['mid', 'new']);
    // the secret's history ages with the others' writes, without a write of its own
    expect('events' in store.historySince('secrets', start)).toBe(true);
    for (let i = 0; i < 1100; i++) store.create('configmaps', cm(`churn${i}`));
    expect('expired' in store.historySince('secrets', start)).toBe(true);
    // a watcher that saw everything may still resume: nothing after its revision was dropped
    expect(store.historySince('secrets', store.revision())).toEqual({ events: [] });
  });

  it('lists by namespace and equality labels, and counts objects', () => {
    const store = newStore();
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns2' } });
    store.create('configmaps', cm('a', { app: 'x' }));
    store.create('configmaps', cm('b', { app: 'y' }));
    store.create('configmaps', { ...cm('c'), metadata: { name: 'c', namespace: 'ns2', labels: { app: 'x' } } });
    expect(store.list('configmaps').length).toBe(3);
    expect(store.list('configmaps', 'ns1').length).toBe(2);
    expect(store.list('configmaps', undefined, { app: 'x' }).map((o) => o.metadata.name).sort()).toEqual(['a', 'c']);
    expect(store.count('configmaps')).toBe(3);
    expect(store.resourceForKind('apps/v1', 'Deployment')?.key).toBe('apps/deployments');
  });
});
