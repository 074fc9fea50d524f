import { afterEach, describe, expect, it } from 'vitest';
import { fitErrorMessage } from '../../src/sim/cluster/scheduler/fit-error.js';
import { nodeObject } from '../../src/sim/cluster/nodes.js';
import type { KubeObject } from '../../src/sim/types.js';
import { deployment, podReady, scaledProfile, startTestCluster, type TestCluster } from './cluster-harness.js';

let cluster: TestCluster | undefined;
afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

const TOO_MANY = '0/3 nodes are available: 3 Too many pods. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

function pod(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...spec } };
}

function scheduledCondition(p: KubeObject | undefined): { status: string; reason?: string; message?: string } | undefined {
  return p?.status?.conditions?.find((c: { type: string }) => c.type === 'PodScheduled');
}

async function unschedulable(c: TestCluster, name: string): Promise<KubeObject> {
  return c.until(`${name} unschedulable`, () => {
    const p = c.store.get('pods', 'default', name);
    return scheduledCondition(p)?.status === 'False' ? p : undefined;
  });
}

describe('scheduler', () => {
  it('scaling to 400 on 3 nodes runs 330 pods and leaves 70 Pending with "Too many pods"', async () => {
    const c = (cluster = startTestCluster({ nodes: 3, profile: scaledProfile('default', 50) }));
    c.store.create('apps/deployments', deployment('web', 5));
    await c.until('5 ready', () => c.store.list('pods', 'default').filter(podReady).length === 5);
    c.store.mutate('apps/deployments', 'default', 'web', (d) => {
      d.spec.replicas = 400;
    });
    const pods = await c.until('330 running and 70 unschedulable', () => {
      const pods = c.store.list('pods', 'default');
      const running = pods.filter((p) => p.status?.phase === 'Running' && podReady(p)).length;
      const waiting = pods.filter((p) => scheduledCondition(p)?.reason === 'Unschedulable').length;
      return pods.length === 400 && running === 330 && waiting === 70 ? pods : undefined;
    });
    const pending = pods.filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(70);
    for (const p of pending) {
      expect(p.status.phase).toBe('Pending');
      expect(scheduledCondition(p)).toMatchObject({ status: 'False', reason: 'Unschedulable', message: TOO_MANY });
      const failed = c.events(p).filter((e) => e.reason === 'FailedScheduling');
      expect(failed.length).toBeGreaterThanOrEqual(1);
      expect(failed[0]).toMatchObject({ type: 'Warning', message: TOO_MANY, reportingComponent: 'default-scheduler', action: 'Scheduling' });
    }
    for (const node of ['sim-node-0001', 'sim-node-0002', 'sim-node-0003']) {
      expect(pods.filter((p) => p.spec.nodeName === node)).toHaveLength(110);
    }
    expect(c.metrics.attempts.unschedulable).toBeGreaterThanOrEqual(70);

    // Capacity freed by scaling down lets the waiting pods in.
    c.store.mutate('apps/deployments', 'default', 'web', (d) => {
      d.spec.replicas = 300;
    });
    await c.until('300 ready and none pending', () => {
      const pods = c.store.list('pods', 'default');
      return pods.length === 300 && pods.filter(podReady).length === 300;
    });
  });

  it('words insufficient cpu, selector and taint failures like kube-scheduler, summed and sorted', async () => {
    const c = (cluster = startTestCluster({ nodes: 3 }));
    c.store.mutate('nodes', undefined, 'sim-node-0001', (n) => {
      n.spec.taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }];
    });
    c.store.create('pods', pod('big', { containers: [{ name: 'c', image: 'busybox:1.36', resources: { requests: { cpu: '5' } } }] }));
    expect(scheduledCondition(await unschedulable(c, 'big'))?.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    c.store.create('pods', pod('picky', { nodeSelector: { disk: 'ssd' } }));
    expect(scheduledCondition(await unschedulable(c, 'picky'))?.message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    // A matching label lets the picky pod in; a toleration lets a pod onto the tainted node.
    c.store.mutate('nodes', undefined, 'sim-node-0002', (n) => {
      n.metadata.labels = { ...n.metadata.labels, disk: 'ssd' };
    });
    await c.until('picky bound to node 2', () => c.store.get('pods', 'default', 'picky')?.spec.nodeName === 'sim-node-0002');
    c.store.create('pods', pod('gpu', { nodeSelector: { 'kubernetes.io/hostname': 'sim-node-0001' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }));
    await c.until('gpu bound to node 1', () => c.store.get('pods', 'default', 'gpu')?.spec.nodeName === 'sim-node-0001');
  });

  it('retries an unschedulable pod when a node is added', async () => {
    const c = (cluster = startTestCluster({ nodes: 1, profile: scaledProfile('default', 20, { podsPerNode: 2 }) }));
    for (const name of ['a', 'b', 'c']) c.store.create('pods', pod(name));
    const waiting = await c.until('one pod unschedulable', () => c.store.list('pods', 'default').find((p) => scheduledCondition(p)?.status === 'False'));
    expect(scheduledCondition(waiting)?.message).toBe('0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    c.store.create('nodes', nodeObject(1, c.ctx));
    await c.until('all three running', () => c.store.list('pods', 'default').filter(podReady).length === 3);
    expect(c.store.get('pods', 'default', waiting.metadata.name as string)?.spec.nodeName).toBe('sim-node-0002');
  });

  it('sorts reason counts as strings, as kube-scheduler does', () => {
    const tooMany = { reasons: ['Too many pods'], unresolvable: false };
    const cpu = { reasons: ['Insufficient cpu'], unresolvable: false };
    const msg = fitErrorMessage(12, [...Array(10).fill(tooMany), cpu, cpu]);
    expect(msg).toBe('0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu. no new claims to deallocate, preemption: 0/12 nodes are available: 12 No preemption victims found for incoming pod.');
  });
});
