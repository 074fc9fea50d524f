import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, type KubeClient, type RequestRecord } from '../../src/kube/index.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

/** The request path against the simulated cluster: the same wire protocol as a real apiserver. */
describe('request path against the simulator', () => {
  let sim: RunningSim;
  let client: KubeClient;
  let dir: string;
  const records: RequestRecord[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'burn-sim-kube-'));
    sim = await startSim({ nodes: 3, seed: 7, kubeconfigOut: path.join(dir, 'kubeconfig') });
    client = await connectCluster({ kubeconfig: path.join(dir, 'kubeconfig'), env: {}, qps: 200, burst: 200 });
    client.onRequest((r) => records.push(r));
  });

  afterAll(async () => {
    await client?.destroy();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, pages through and watches objects', async () => {
    expect((await client.serverVersion()).major).toBeTruthy();
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-sim-1' } });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'kube-sim-1', labels: { set: 'a' } }, data: { i: String(i) } }),
      ),
    );
    await expect(client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-0', namespace: 'kube-sim-1' } }, { alreadyExistsOk: true })).resolves.toBeNull();
    const items = await client.list('v1', 'ConfigMap', { namespace: 'kube-sim-1', labelSelector: 'set=a', limit: 7 });
    expect(items.map((i) => i.metadata.name).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `cm-${i}`).sort());
    // metadata only: the same objects without their data, and a count that keeps none of them
    const partial = await client.list('v1', 'ConfigMap', { namespace: 'kube-sim-1', labelSelector: 'set=a', limit: 7, metadataOnly: true });
    expect(partial).toHaveLength(30);
    expect(partial[0]).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { namespace: 'kube-sim-1', labels: { set: 'a' } } });
    expect(partial[0]).not.toHaveProperty('data');
    expect(await client.count('v1', 'ConfigMap', { namespace: 'kube-sim-1', labelSelector: 'set=a', limit: 7 })).toBe(30);

    // the pods the simulated controllers create, and a change we make to one of them
    const seen = new Map<string, string>();
    const watch = client.watchResources({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'kube-sim-1',
      project: (pod) => ({ name: pod.metadata.name!, mark: pod.metadata.labels?.mark ?? '' }),
      onEvent: (type, pod) => {
        if (type === 'DELETED') seen.delete(pod.name);
        else seen.set(pod.name, pod.mark);
      },
    });
    await watch.synced;
    await client.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'kube-sim-1' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    const until = async (what: string, condition: () => boolean) => {
      for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
      if (!condition()) throw new Error(`timed out waiting for ${what}`);
    };
    await until('the deployment pods', () => seen.size === 2);
    const [first] = seen.keys();
    await client.patch('v1', 'Pod', first, 'kube-sim-1', { metadata: { labels: { mark: 'patched' } } }, 'merge');
    await until('the patch to be watched', () => seen.get(first) === 'patched');
    await watch.stop();

    const posts = records.filter((r) => r.verb === 'POST' && r.resource === 'configmaps');
    expect(posts).toHaveLength(31);
    expect(posts.every((r) => r.scope === 'resource' && r.namespace === 'kube-sim-1')).toBe(true);
    expect(records.some((r) => r.verb === 'WATCH' && r.resource === 'pods' && r.scope === 'namespace')).toBe(true);
    // 30 configmaps in pages of 7, three times (whole, metadata only, counted)
    expect(records.filter((r) => r.verb === 'LIST' && r.resource === 'configmaps')).toHaveLength(15);
  });
});
