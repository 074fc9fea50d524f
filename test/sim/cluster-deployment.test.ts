import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/sim/types.js';
import { deployment, podReady, startTestCluster, type TestCluster } from './cluster-harness.js';

let cluster: TestCluster | undefined;
afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

function podsOf(c: TestCluster, app: string): KubeObject[] {
  return c.store.list('pods', 'default', { app });
}

describe('deployment -> replicaset -> pods on 3 nodes', () => {
  it('brings 5 replicas to Ready, spread over the 3 nodes, with conditions, IPs and events', async () => {
    const c = (cluster = startTestCluster({ nodes: 3 }));
    c.store.create('apps/deployments', deployment('web', 5));
    const pods = await c.until('5 ready pods', () => {
      const pods = podsOf(c, 'web');
      return pods.length === 5 && pods.every(podReady) ? pods : undefined;
    });

    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['sim-node-0001', 'sim-node-0002', 'sim-node-0003']);
    expect(Math.max(...perNode.values())).toBe(2);

    const rs = c.store.list('apps/replicasets', 'default')[0]!;
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true })]);
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.podIP).toMatch(/^10\.(1[2-9][0-9]|2[0-5][0-9])\.\d+\.\d+$/);
      expect(pod.status.hostIP).toMatch(/^172\.18\.0\.\d+$/);
      expect(pod.status.startTime).toMatch(/Z$/);
      expect(pod.status.conditions.map((x: { type: string; status: string }) => `${x.type}=${x.status}`)).toEqual([
        'PodReadyToStartContainers=True',
        'Initialized=True',
        'Ready=True',
        'ContainersReady=True',
        'PodScheduled=True',
      ]);
      for (const cond of pod.status.conditions) expect(cond.lastTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const [cs] = pod.status.containerStatuses;
      expect(cs).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, image: 'nginx:1.27' });
      expect(cs.state.running.startedAt).toMatch(/Z$/);
      const reasons = c.events(pod).map((e) => e.reason);
      expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
      const scheduled = c.events(pod).find((e) => e.reason === 'Scheduled')!;
      expect(scheduled.message).toBe(`Successfully assigned default/${pod.metadata.name} to ${pod.spec.nodeName}`);
      expect(scheduled.reportingComponent).toBe('default-scheduler');
    }
    // The image is pulled once per node; the other pods on that node find it present.
    const pulled = pods.flatMap((p) => c.events(p)).filter((e) => e.reason === 'Pulled').map((e) => e.message as string);
    expect(pulled.filter((m) => m.startsWith('Successfully pulled image "nginx:1.27" in '))).toHaveLength(3);
    expect(pulled.filter((m) => m === 'Container image "nginx:1.27" already present on machine')).toHaveLength(2);
    expect(pods.flatMap((p) => c.events(p)).filter((e) => e.reason === 'Pulling')).toHaveLength(3);

    const d = await c.until('deployment status', () => {
      const d = c.store.get('apps/deployments', 'default', 'web')!;
      return d.status?.availableReplicas === 5 && d.status.conditions?.find((x: { type: string }) => x.type === 'Progressing')?.reason === 'NewReplicaSetAvailable' ? d : undefined;
    });
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 5, updatedReplicas: 5, readyReplicas: 5, availableReplicas: 5 });
    expect(d.status.conditions).toEqual([
      expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }),
      expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs.metadata.name}" has successfully progressed.` }),
    ]);
    expect(c.events(d).map((e) => e.message)).toContain(`Scaled up replica set ${rs.metadata.name} from 0 to 5`);
    expect(c.metrics.attempts.scheduled).toBe(5);
    expect(c.metrics.podStartSeconds).toHaveLength(5);
  });
});
