/**
 * The readiness tracker on the simulator: kinds other than pods are watched from the first wait, so
 * a job that waits when it has finished does not read every status change of every object while it
 * creates; an object deleted before that first wait is still reported as deleted, not as not ready.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadinessTracker } from '../../src/engine/tracker.js';
import { connectCluster, type KubeClient, type KubeObject } from '../../src/kube/index.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

let dir: string;
let sim: RunningSim;
let client: KubeClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-tracker-'));
  sim = await startSim({ nodes: 2, seed: 3, kubeconfigOut: join(dir, 'kubeconfig') });
  client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), env: {} });
});

afterAll(async () => {
  await client?.close();
  await sim?.stop();
  await rm(dir, { recursive: true, force: true });
});

function deployment(name: string, namespace: string): KubeObject {
  const labels = { app: name, tracked: namespace };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } } },
  };
}

/** The tracker's client, recording which kinds it watched. */
function recording(watched: string[]): KubeClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'watchResources') return (options: { kind: string }) => (watched.push(options.kind), target.watchResources(options as never));
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function created(namespace: string, names: string[], tracker: ReadinessTracker): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (const name of names) {
    const obj = deployment(name, namespace);
    await client.create(obj);
    tracker.expect(obj, 0);
  }
}

describe('readiness tracker', () => {
  it('watches a kind other than pods from the first wait on, and sees its objects ready', async () => {
    const watched: string[] = [];
    const tracker = new ReadinessTracker(recording(watched), 'tracked=lazy');
    try {
      await tracker.start();
      await created('lazy', ['a', 'b'], tracker);
      expect(watched).toEqual(['Pod']);
      expect(tracker.pending()).toBe(2);
      expect(await tracker.waitReady(undefined, 60_000)).toBe('ready');
      expect(watched).toEqual(['Pod', 'Deployment']);
      expect(tracker.pending()).toBe(0);
    } finally {
      await tracker.stop();
    }
  }, 90_000);

  it('reports an object deleted before its kind was watched as deleted, not as not ready', async () => {
    const tracker = new ReadinessTracker(client, 'tracked=gone');
    try {
      await tracker.start();
      await created('gone', ['kept', 'removed'], tracker);
      await client.delete('apps/v1', 'Deployment', 'removed', 'gone');
      expect(await tracker.waitReady(undefined, 60_000)).toBe('vanished');
      expect(tracker.vanished).toEqual([{ kind: 'Deployment', namespace: 'gone', name: 'removed', iteration: 0 }]);
    } finally {
      await tracker.stop();
    }
  }, 90_000);
});
