import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/engine/dispatch.js';
import { applyLabels, burnLabels, kubeBurnerObjectSelector, labelObject, namespaceLabels, runSelector } from '../../src/engine/labels.js';
import { explainNotReady, formatNotReady, type PodState } from '../../src/engine/not-ready.js';
import { evaluateStatusPath, readinessOf } from '../../src/engine/readiness.js';
import { podStateOf } from '../../src/engine/tracker.js';

describe('labels', () => {
  it('labels the object and the pod template of a controller', () => {
    const deployment: any = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { app: 'x' } }, spec: { template: { metadata: { labels: { app: 'x' } } } } };
    applyLabels(deployment, burnLabels({ uuid: 'u1', runId: 'r1', job: 'j', iteration: 3, replica: 2, index: 0, group: 0 }));
    for (const labels of [deployment.metadata.labels, deployment.spec.template.metadata.labels]) {
      expect(labels).toEqual({ app: 'x', 'burn.dev/uuid': 'u1', 'burn.dev/runid': 'r1', 'burn.dev/job': 'j', 'burn.dev/iteration': '3', 'burn.dev/replica': '2' });
    }
  });

  it('reaches the pod template of a CronJob and leaves ConfigMaps alone', () => {
    const cron: any = { kind: 'CronJob', metadata: {}, spec: { jobTemplate: { spec: { template: { spec: {} } } } } };
    applyLabels(cron, { a: 'b' });
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toEqual({ a: 'b' });
    const cm: any = { kind: 'ConfigMap', metadata: { name: 'c' }, data: { template: 'x' } };
    applyLabels(cm, { a: 'b' });
    expect(cm).toEqual({ kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { template: 'x' } });
  });

  const id = { uuid: 'u1', runId: 'r1', job: 'j', iteration: 3, replica: 2, index: 4, group: 0 };
  const kb = {
    'kube-burner.io/uuid': 'u1',
    'kube-burner.io/runid': 'r1',
    'kube-burner.io/job': 'j',
    'kube-burner.io/index': '4',
    'kube-burner.io/job-iteration': '3',
    'kube-burner.io/replica': '2',
    'kube-burner.io/group': '0',
  };
  const burn = burnLabels(id);

  it("puts kube-burner's labels beside burn's, on a Deployment's pod template too; the template's own values win over kube-burner's", () => {
    const deployment: any = { kind: 'Deployment', metadata: { name: 'd', labels: { app: 'x', 'kube-burner.io/replica': 'mine' } }, spec: { template: { metadata: { labels: { app: 'x-pod' } } } } };
    labelObject(deployment, id);
    expect(deployment.metadata.labels).toEqual({ app: 'x', ...kb, 'kube-burner.io/replica': 'mine', ...burn });
    // Every label of the object reaches the pod template, over the template's own (kube-burner v2.7.3
    // copies the object's final labels there: side by side, its pods carried the Deployment's labels).
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'x', ...kb, 'kube-burner.io/replica': 'mine', ...burn });
  });

  it("gives a StatefulSet's selector kube-burner's labels, and a Job's pod template only burn's (as kube-burner, which labels no Job pods)", () => {
    const sts: any = { kind: 'StatefulSet', metadata: { name: 's' }, spec: { selector: { matchLabels: { app: 's' } }, template: { metadata: { labels: { app: 's' } } } } };
    labelObject(sts, id);
    expect(sts.spec.selector.matchLabels).toEqual({ app: 's', ...kb });
    const labelled: any = { kind: 'StatefulSet', metadata: { name: 's', labels: { team: 'a' } }, spec: { selector: { matchLabels: { app: 's' } }, template: { metadata: { labels: { app: 's' } } } } };
    labelObject(labelled, id);
    expect(labelled.spec.selector.matchLabels).toEqual({ app: 's', team: 'a', ...kb });
    expect(sts.spec.template.metadata.labels).toEqual({ app: 's', ...kb, ...burn });
    const job: any = { kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: {} } } };
    labelObject(job, id);
    expect(job.metadata.labels).toEqual({ ...kb, ...burn });
    expect(job.spec.template.metadata.labels).toEqual(burn);
  });

  it("labels namespaces with kube-burner's job, uuid and runid, which namespaceLabels may override, and burn's, which they may not", () => {
    expect(namespaceLabels({ uuid: 'u1', runId: 'r1', job: 'j' }, { 'kube-burner.io/job': 'other', 'burn.dev/uuid': 'x', team: 't' })).toEqual({
      'kube-burner.io/job': 'other',
      'kube-burner.io/uuid': 'u1',
      'kube-burner.io/runid': 'r1',
      team: 't',
      'burn.dev/uuid': 'u1',
      'burn.dev/runid': 'r1',
      'burn.dev/job': 'j',
    });
    expect(kubeBurnerObjectSelector(id)).toBe('kube-burner.io/uuid=u1,kube-burner.io/runid=r1,kube-burner.io/job=j,kube-burner.io/index=4');
  });

  it('selects a run or one of its jobs', () => {
    expect(runSelector('u')).toBe('burn.dev/uuid=u');
    expect(runSelector('u', 'j')).toBe('burn.dev/uuid=u,burn.dev/job=j');
  });
});

describe('readiness', () => {
  it('judges deployments as kube-burner does', () => {
    const ready = readinessOf('Deployment')!;
    const d = (status: object, generation = 1) => ({ metadata: { generation }, spec: { replicas: 2 }, status });
    expect(ready(d({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }))).toBe(true);
    expect(ready(d({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))).toBe(false);
    expect(ready(d({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 2))).toBe(false);
    expect(ready(d({ observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }))).toBe(false);
  });

  it('judges pods, jobs and daemonsets', () => {
    expect(readinessOf('Pod')!({ status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(true);
    expect(readinessOf('Pod')!({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } })).toBe(false);
    expect(readinessOf('Job')!({ spec: { completions: 2 }, status: { succeeded: 2 } })).toBe(true);
    expect(readinessOf('Job')!({ spec: {}, status: {} })).toBe(false);
    expect(readinessOf('DaemonSet')!({ status: { desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 } })).toBe(true);
    expect(readinessOf('ConfigMap')).toBeUndefined();
  });

  it('evaluates the customStatusPaths shapes kube-burner configs use', () => {
    const status = { readyReplicas: 3, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'False' }] };
    expect(evaluateStatusPath(status, '.readyReplicas')).toBe(3);
    expect(evaluateStatusPath(status, '(.conditions.[] | select(.type == "Available")).status')).toBe('True');
    expect(evaluateStatusPath(status, '(.conditions[] | select(.type == "Progressing")).status')).toBe('False');
    const custom = readinessOf('VirtualMachine', [{ key: '(.conditions.[] | select(.type == "Available")).status', value: 'True' }])!;
    expect(custom({ status })).toBe(true);
    expect(() => evaluateStatusPath(status, '.items | length')).toThrow(/unsupported customStatusPaths/);
  });
});

describe('not-ready explanations', () => {
  const pending = (name: string, message: string): PodState => ({ namespace: 'ns-0', name, phase: 'Pending', unschedulableMessage: message, ready: false });

  it('groups pods by status and reason, largest first', () => {
    const pods: PodState[] = [
      ...Array.from({ length: 120 }, (_, i) => pending(`p${i}`, '0/1 nodes are available: 1 Too many pods.')),
      ...Array.from({ length: 54 }, (_, i): PodState => ({ namespace: 'ns-1', name: `c${i}`, phase: 'Pending', waitingReason: 'ContainerCreating', ready: false })),
      { namespace: 'ns-1', name: 'ok', phase: 'Running', ready: true },
    ];
    const events = Array.from({ length: 54 }, (_, i) => ({
      namespace: 'ns-1',
      podName: `c${i}`,
      reason: 'FailedCreatePodSandBox',
      message: `failed to allocate for range 0: no IP addresses available in range set: 10.244.${i % 3}.1-10.244.${i % 3}.254`,
      atMs: i,
    }));
    const lines = formatNotReady(explainNotReady(pods, events));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('120 pods Pending: 0/1 nodes are available: 1 Too many pods. (e.g. ns-0/p0)');
    expect(lines[1]).toMatch(/^54 pods ContainerCreating: FailedCreatePodSandBox: failed to allocate for range 0: no IP addresses available in range set: 10\.244\.0\.1-10\.244\.0\.254 \(e\.g\. ns-1\/c0\)$/);
  });

  it('names the Ready condition of running pods that are not ready', () => {
    const pods: PodState[] = [
      { namespace: 'n', name: 'a', phase: 'Running', readyFalse: 'NodeNotReady: node sim-node-0001 is not ready', ready: false },
      { namespace: 'n', name: 'b', phase: 'Running', readyFalse: '', ready: false },
    ];
    expect(formatNotReady(explainNotReady(pods, []))).toEqual([
      '1 pod Running: Ready=False: NodeNotReady: node sim-node-0001 is not ready (e.g. n/a)',
      '1 pod Running: Ready=False (e.g. n/b)',
    ]);
  });

  it('reads a pod object into its state', () => {
    const pod = {
      metadata: { namespace: 'n', name: 'p' },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }],
      },
    };
    expect(podStateOf(pod)).toMatchObject({ phase: 'Pending', unschedulableMessage: '0/3 nodes are available: 3 Insufficient cpu.', ready: false });
    const creating = { metadata: { namespace: 'n', name: 'q' }, status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] } };
    expect(podStateOf(creating)).toMatchObject({ waitingReason: 'ContainerCreating', ready: false });
  });
});

describe('dispatcher', () => {
  it('keeps at most `capacity` tasks running and collects failures', async () => {
    const d = new Dispatcher(3);
    let running = 0;
    let most = 0;
    for (let i = 0; i < 20; i++) {
      await d.submit(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        if (i === 7) throw new Error('boom');
      });
    }
    await d.drain();
    expect(most).toBe(3);
    expect(d.errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });
});
