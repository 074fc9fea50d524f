import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/sim/types.js';
import { deployment, podReady, startTestCluster, type TestCluster } from './cluster-harness.js';

let cluster: TestCluster | undefined;
afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

const ns = 'default';

describe('workload controllers', () => {
  it('rolls a template change onto a new ReplicaSet within maxSurge/maxUnavailable', async () => {
    const c = (cluster = startTestCluster({ nodes: 3 }));
    c.store.create('apps/deployments', deployment('web', 4));
    await c.until('4 ready', () => c.store.list('pods', ns).filter(podReady).length === 4);
    const first = c.store.list('apps/replicasets', ns)[0]!;
    let maxPods = 0;
    let minReady = 4;
    const off = c.store.on('pods', () => {
      const pods = c.store.list('pods', ns).filter((p) => !p.metadata.deletionTimestamp);
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, pods.filter(podReady).length);
    });
    c.store.mutate('apps/deployments', ns, 'web', (d) => {
      d.spec.template.spec.containers[0].image = 'nginx:1.28';
    });
    const d = await c.until('rollout complete', () => {
      const d = c.store.get('apps/deployments', ns, 'web')!;
      const done = d.status?.observedGeneration === 2 && d.status.updatedReplicas === 4 && d.status.availableReplicas === 4 && d.status.replicas === 4;
      return done && d.status.conditions?.some((x: { reason: string }) => x.reason === 'NewReplicaSetAvailable') ? d : undefined;
    });
    off();
    const sets = c.store.list('apps/replicasets', ns);
    expect(sets).toHaveLength(2);
    const second = sets.find((rs) => rs.metadata.uid !== first.metadata.uid)!;
    expect(second.metadata.labels!['pod-template-hash']).not.toBe(first.metadata.labels!['pod-template-hash']);
    expect(second.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(c.store.get('apps/replicasets', ns, first.metadata.name as string)!.spec.replicas).toBe(0);
    await c.until('old pods gone', () => c.store.list('pods', ns).length === 4);
    for (const p of c.store.list('pods', ns)) expect(p.spec.containers[0].image).toBe('nginx:1.28');
    // 25% of 4: one pod over, one pod under.
    expect(maxPods).toBeLessThanOrEqual(5);
    expect(minReady).toBeGreaterThanOrEqual(3);
    const messages = c.events(d).map((e) => e.message);
    expect(messages).toContain(`Scaled up replica set ${second.metadata.name} from 0 to 1`);
    expect(messages).toContain(`Scaled down replica set ${first.metadata.name} from 4 to 3`);
  });

  it('creates StatefulSet pods in order with stable names, and scales down from the top', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    const created: string[] = [];
    c.store.on('pods', (e) => {
      if (e.type === 'ADDED') created.push(e.object.metadata.name as string);
    });
    const labels = { app: 'db' };
    c.store.create('apps/statefulsets', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: ns },
      spec: {
        replicas: 3,
        serviceName: 'db',
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const sts = await c.until('3 ready replicas', () => {
      const s = c.store.get('apps/statefulsets', ns, 'db')!;
      return s.status?.readyReplicas === 3 ? s : undefined;
    });
    expect(created).toEqual(['db-0', 'db-1', 'db-2']);
    expect(sts.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    const db1 = c.store.get('pods', ns, 'db-1')!;
    expect(db1.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(db1.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(db1.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } });
    expect(c.store.get('persistentvolumeclaims', ns, 'data-db-1')?.status.phase).toBe('Bound');

    c.store.mutate('apps/statefulsets', ns, 'db', (s) => {
      s.spec.replicas = 1;
    });
    await c.until('scaled to 1', () => c.store.list('pods', ns).length === 1 && c.store.get('apps/statefulsets', ns, 'db')!.status.replicas === 1);
    expect(c.store.get('pods', ns, 'db-0')).toBeDefined();
    const deletes = c.events(sts).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deletes).toEqual(['delete Pod db-2 in StatefulSet db successful', 'delete Pod db-1 in StatefulSet db successful']);
  });

  it('runs one DaemonSet pod per eligible node, and one more when a node joins', async () => {
    const c = (cluster = startTestCluster({ nodes: 3 }));
    c.store.mutate('nodes', undefined, 'sim-node-0003', (n) => {
      n.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    });
    const labels = { app: 'agent' };
    c.store.create('apps/daemonsets', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: ns },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'agent', image: 'fluent-bit:3' }] } } },
    });
    const ds = await c.until('2 ready daemon pods', () => {
      const d = c.store.get('apps/daemonsets', ns, 'agent')!;
      return d.status?.numberReady === 2 ? d : undefined;
    });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0 });
    const pods = c.store.list('pods', ns);
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['sim-node-0001', 'sim-node-0002']);
    for (const p of pods) {
      expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] }]);
    }
    c.store.mutate('nodes', undefined, 'sim-node-0003', (n) => {
      n.spec.taints = [];
    });
    await c.until('3 ready daemon pods', () => c.store.get('apps/daemonsets', ns, 'agent')!.status?.numberReady === 3);
  });

  it('publishes ready pod IPs in Endpoints and EndpointSlices of a selecting service', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    c.store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns, labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const svc = c.store.get('services', ns, 'web')!;
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    c.store.create('apps/deployments', deployment('web', 3, { spec: { ports: [{ name: 'http', containerPort: 8080 }] } }));
    const ready = await c.until('3 ready', () => {
      const pods = c.store.list('pods', ns, { app: 'web' });
      return pods.length === 3 && pods.every(podReady) ? pods : undefined;
    });
    const ips = ready.map((p) => p.status.podIP).sort();
    const ep = await c.until('endpoints with 3 addresses', () => {
      const e = c.store.get('endpoints', ns, 'web');
      return e?.subsets?.[0]?.addresses?.length === 3 ? e : undefined;
    });
    expect(ep.subsets).toEqual([{ addresses: expect.any(Array), ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);
    expect(ep.subsets[0].addresses.map((a: { ip: string }) => a.ip)).toEqual(ips);
    expect(ep.metadata.labels).toEqual({ tier: 'front' });
    const slices = await c.until('slice with 3 ready endpoints', () => {
      const s = c.store.list('discovery.k8s.io/endpointslices', ns, { 'kubernetes.io/service-name': 'web' });
      return s.length === 1 && s[0]!.endpoints?.filter((e: { conditions: { ready: boolean } }) => e.conditions.ready).length === 3 ? s : undefined;
    });
    const slice = slices[0]!;
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.addressType).toBe('IPv4');
    expect(slice.metadata.labels!['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Service', name: 'web', uid: svc.metadata.uid })]);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e: { addresses: string[] }) => e.addresses[0]).sort()).toEqual(ips);
    // A pod going away leaves the endpoints.
    const gone = ready[0]!;
    c.store.delete('pods', ns, gone.metadata.name as string);
    await c.until('endpoint dropped', () => !c.store.get('endpoints', ns, 'web')!.subsets?.[0]?.addresses?.some((a: { ip: string }) => a.ip === gone.status.podIP));
    // Deleting the service removes its endpoints; its slices follow through the garbage collector.
    c.store.delete('services', ns, 'web');
    await c.until('endpoints and slices gone', () => !c.store.get('endpoints', ns, 'web') && c.store.list('discovery.k8s.io/endpointslices', ns).length === 0);
  });
});

describe('namespaces and garbage collection', () => {
  function createNamespace(c: TestCluster, name: string): void {
    c.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  it('gives a new namespace its default ServiceAccount and kube-root-ca.crt, and empties a deleted one before removing it', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    createNamespace(c, 'team');
    await c.until('defaults', () => c.store.get('serviceaccounts', 'team', 'default') && c.store.get('configmaps', 'team', 'kube-root-ca.crt'));
    expect(c.store.get('configmaps', 'team', 'kube-root-ca.crt')!.data['ca.crt']).toContain('BEGIN CERTIFICATE');
    const d = deployment('web', 3);
    d.metadata.namespace = 'team';
    c.store.create('apps/deployments', d);
    await c.until('3 ready', () => c.store.list('pods', 'team').filter(podReady).length === 3);
    c.store.delete('namespaces', undefined, 'team');
    const terminating = c.store.get('namespaces', undefined, 'team')!;
    expect(terminating.status.phase).toBe('Terminating');
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    let sawTerminatingPod = false;
    c.store.on('pods', (e) => {
      if (e.object.metadata.namespace === 'team' && e.object.metadata.deletionTimestamp) sawTerminatingPod = true;
    });
    await c.until('namespace gone', () => !c.store.get('namespaces', undefined, 'team'));
    expect(sawTerminatingPod).toBe(true);
    for (const info of c.store.resources().filter((r) => r.namespaced)) expect(c.store.list(info.key, 'team')).toEqual([]);
  });

  it('cascades a background delete from Deployment to ReplicaSet to pods', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    c.store.create('apps/deployments', deployment('web', 3));
    await c.until('3 ready', () => c.store.list('pods', ns).filter(podReady).length === 3);
    c.store.delete('apps/deployments', ns, 'web', { propagationPolicy: 'Background' });
    expect(c.store.get('apps/deployments', ns, 'web')).toBeUndefined();
    await c.until('everything gone', () => c.store.list('apps/replicasets', ns).length === 0 && c.store.list('pods', ns).length === 0);
  });

  it('holds a foreground delete until the dependents are gone', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    c.store.create('apps/deployments', deployment('web', 2));
    await c.until('2 ready', () => c.store.list('pods', ns).filter(podReady).length === 2);
    c.store.delete('apps/deployments', ns, 'web', { propagationPolicy: 'Foreground' });
    const held = c.store.get('apps/deployments', ns, 'web')!;
    expect(held.metadata.finalizers).toContain('foregroundDeletion');
    let podsWhenOwnerWent = -1;
    await c.until('deployment gone', () => {
      if (c.store.get('apps/deployments', ns, 'web')) return false;
      podsWhenOwnerWent = c.store.list('pods', ns).length;
      return true;
    });
    expect(podsWhenOwnerWent).toBe(0);
    expect(c.store.list('apps/replicasets', ns)).toEqual([]);
  });

  it('orphans dependents: the ReplicaSet and its pods stay, without the owner reference', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    c.store.create('apps/deployments', deployment('web', 2));
    await c.until('2 ready', () => c.store.list('pods', ns).filter(podReady).length === 2);
    c.store.delete('apps/deployments', ns, 'web', { propagationPolicy: 'Orphan' });
    await c.until('deployment gone', () => !c.store.get('apps/deployments', ns, 'web'));
    const rs: KubeObject = await c.until('rs orphaned', () => {
      const r = c.store.list('apps/replicasets', ns)[0];
      return r && !r.metadata.ownerReferences?.length ? r : undefined;
    });
    expect(rs.spec.replicas).toBe(2);
    const pods = c.store.list('pods', ns);
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', uid: rs.metadata.uid })]);
  });
});
