import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/sim/types.js';
import { deployment, podReady, scaledProfile, startTestCluster, type TestCluster } from './cluster-harness.js';

let cluster: TestCluster | undefined;
afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

function condition(p: KubeObject | undefined, type: string): { status: string; lastTransitionTime: string } | undefined {
  return p?.status?.conditions?.find((c: { type: string }) => c.type === type);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!;
}

describe('fake kubelet', () => {
  it('leaves pods ContainerCreating with FailedCreatePodSandBox when the node podCIDR runs out, and starts them once IPs free up', async () => {
    const c = (cluster = startTestCluster({ nodes: 1, profile: scaledProfile('default', 20, { podCidrPrefix: 29 }) }));
    expect(c.store.get('nodes', undefined, 'sim-node-0001')?.spec.podCIDR).toBe('10.128.0.0/29');
    c.store.create('apps/deployments', deployment('web', 8));
    const stuck = await c.until('6 running and 2 failing sandbox', () => {
      const pods = c.store.list('pods', 'default');
      const waiting = pods.filter((p) => condition(p, 'PodReadyToStartContainers')?.status === 'False');
      return pods.filter(podReady).length === 6 && waiting.length === 2 ? waiting : undefined;
    });
    const ips = c.store.list('pods', 'default').filter(podReady).map((p) => p.status.podIP).sort();
    expect(ips).toEqual(['10.128.0.1', '10.128.0.2', '10.128.0.3', '10.128.0.4', '10.128.0.5', '10.128.0.6']);
    for (const p of stuck) {
      expect(p.status.phase).toBe('Pending');
      expect(p.status.podIP).toBeUndefined();
      expect(p.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
      const failed = c.events(p).find((e) => e.reason === 'FailedCreatePodSandBox')!;
      expect(failed.type).toBe('Warning');
      expect(failed.source.component).toBe('kubelet');
      expect(failed.message).toMatch(/^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": /);
      expect(failed.message.endsWith('failed to allocate for range 0: no IP addresses available in range set: 10.128.0.1-10.128.0.6')).toBe(true);
    }
    // Deleting two running pods frees their IPs for the two waiting ones.
    for (const p of c.store.list('pods', 'default').filter(podReady).slice(0, 2)) c.store.delete('pods', 'default', p.metadata.name as string);
    await c.until('the stuck pods ready', () => stuck.every((s) => podReady(c.store.get('pods', 'default', s.metadata.name as string)!)));
  });

  it('records the true time of every transition, matching the second-precision timestamps it writes', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    c.store.create('apps/deployments', deployment('web', 4));
    const pods = await c.until('4 ready', () => {
      const pods = c.store.list('pods', 'default');
      return pods.length === 4 && pods.every(podReady) ? pods : undefined;
    });
    const truth = c.truth.toJSON().pods;
    const order = ['Created', 'PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'ContainersStarted', 'ContainersReady', 'Ready'] as const;
    for (const p of pods) {
      const t = truth[`default/${p.metadata.name}`]!;
      expect(t.uid).toBe(p.metadata.uid);
      const times = order.map((name) => t.transitions[name]);
      for (const ms of times) expect(ms).toBeTypeOf('number');
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
      for (const type of ['PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready'] as const) {
        const written = Date.parse(condition(p, type)!.lastTransitionTime);
        expect(written).toBe(Math.floor(t.transitions[type]! / 1000) * 1000);
      }
      expect(Date.parse(p.status.containerStatuses[0].state.running.startedAt)).toBe(Math.floor(t.transitions.ContainersStarted! / 1000) * 1000);
    }
    // Deleting a pod: terminating first, removed by the kubelet after the profile's delay.
    const victim = pods[0]!;
    c.store.delete('pods', 'default', victim.metadata.name as string);
    expect(c.store.get('pods', 'default', victim.metadata.name as string)?.metadata.deletionTimestamp).toBeDefined();
    await c.until('victim removed', () => !c.store.get('pods', 'default', victim.metadata.name as string));
    expect(c.truth.toJSON().pods[`default/${victim.metadata.name}`]!.transitions.Deleted).toBeGreaterThan(truth[`default/${victim.metadata.name}`]!.transitions.Ready!);
    expect(c.events(victim).map((e) => e.message)).toContain('Stopping container app');
  });

  it('runs Job pods to completion and the Job to Complete', async () => {
    const c = (cluster = startTestCluster({ nodes: 2 }));
    c.store.create('batch/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'crunch', namespace: 'default' },
      spec: { completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox:1.36' }] } } },
    });
    let maxActive = 0;
    const job = await c.until('job complete', () => {
      const active = c.store.list('pods', 'default').filter((p) => p.status?.phase !== 'Succeeded').length;
      maxActive = Math.max(maxActive, active);
      const j = c.store.get('batch/jobs', 'default', 'crunch')!;
      return j.status?.completionTime ? j : undefined;
    });
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(job.status).toMatchObject({ succeeded: 3, ready: 0 });
    expect(job.status.startTime).toMatch(/Z$/);
    expect(job.status.active).toBeUndefined();
    expect(job.status.conditions.map((x: { type: string; status: string; reason: string }) => `${x.type}=${x.status}/${x.reason}`)).toEqual(['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
    const pods = c.store.list('pods', 'default');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^crunch-[a-z0-9]{5}$/);
      expect(p.metadata.labels!['job-name']).toBe('crunch');
      expect(p.status.phase).toBe('Succeeded');
      expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect(condition(p, 'Ready')?.status).toBe('False');
      expect(c.truth.toJSON().pods[`default/${p.metadata.name}`]!.transitions.Succeeded).toBeTypeOf('number');
    }
    expect(c.events(job).map((e) => e.reason)).toEqual(expect.arrayContaining(['SuccessfulCreate', 'Completed']));
  });

  it('gives Indexed jobs one pod per completion index', async () => {
    const c = (cluster = startTestCluster({ nodes: 1 }));
    c.store.create('batch/jobs', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'idx', namespace: 'default' },
      spec: { completions: 3, parallelism: 3, completionMode: 'Indexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox:1.36' }] } } },
    });
    const job = await c.until('indexed job complete', () => c.store.get('batch/jobs', 'default', 'idx')?.status?.completionTime && c.store.get('batch/jobs', 'default', 'idx'));
    expect(job.status.completedIndexes).toBe('0-2');
    const names = c.store.list('pods', 'default').map((p) => p.metadata.name as string).sort();
    expect(names.map((n) => n.replace(/-[a-z0-9]{5}$/, ''))).toEqual(['idx-0', 'idx-1', 'idx-2']);
  });

  it('observes the startup SLI from creation to containers started, without the image pull', async () => {
    const pull = 300;
    const c = (cluster = startTestCluster({ nodes: 1, profile: scaledProfile('default', 20, { imagePull: { p50: pull, p99: pull } }) }));
    c.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'redis:7' }] } });
    await c.until('solo started', () => c.truth.toJSON().pods['default/solo']?.transitions.ContainersStarted);
    const t = c.truth.toJSON().pods['default/solo']!.transitions;
    expect(c.metrics.podStartSeconds).toHaveLength(1);
    expect(c.metrics.podStartSeconds[0]! * 1000).toBeCloseTo(t.ContainersStarted! - t.Created! - pull, 3);
  });

  it('runs init containers one after another before the pod is Initialized, and leaves their time out of the SLI', async () => {
    const c = (cluster = startTestCluster({ nodes: 1, profile: scaledProfile('default', 20, { imagePull: { p50: 0, p99: 0 } }) }));
    c.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'boot', namespace: 'default' },
      spec: { initContainers: [{ name: 'migrate', image: 'tool:1' }, { name: 'warm', image: 'tool:1' }], containers: [{ name: 'app', image: 'app:1' }] },
    });
    const initializing = await c.until('waiting on init', () => {
      const p = c.store.get('pods', 'default', 'boot');
      return p?.status?.initContainerStatuses ? p : undefined;
    });
    expect(condition(initializing, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate warm]' });
    expect(initializing.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'PodInitializing' } });
    const pod = await c.until('boot ready', () => {
      const p = c.store.get('pods', 'default', 'boot');
      return p && podReady(p) ? p : undefined;
    });
    expect(pod.status.initContainerStatuses.map((s: { name: string; state: { terminated: { reason: string } } }) => `${s.name}:${s.state.terminated.reason}`)).toEqual(['migrate:Completed', 'warm:Completed']);
    const started = c.events(pod).filter((e) => e.reason === 'Started').map((e) => e.message);
    expect(started).toEqual(['Started container migrate', 'Started container warm', 'Started container app']);
    const t = c.truth.toJSON().pods['default/boot']!.transitions;
    expect(t.Initialized!).toBeGreaterThan(t.PodReadyToStartContainers!);
    // The SLI leaves out the init phase (sandbox -> Initialized) and nothing else.
    expect(c.metrics.podStartSeconds[0]! * 1000).toBeCloseTo(t.ContainersStarted! - t.Created! - (t.Initialized! - t.PodReadyToStartContainers!), 3);
  });

  it('the slow-pods profile draws pod startups with a p99 around 8 s, the default one well under the 5 s SLO', () => {
    // What the startup SLI adds up when the simulator is not CPU-bound: scheduling, sandbox, container start.
    const p99 = (name: string) => {
      const c = (cluster = startTestCluster({ nodes: 0, profile: scaledProfile(name, 1) }));
      const draws: number[] = [];
      for (let i = 0; i < 20_000; i++) draws.push(c.ctx.sample(c.ctx.profile.scheduling) + c.ctx.sample(c.ctx.profile.sandbox) + c.ctx.sample(c.ctx.profile.containerStart));
      c.stop();
      cluster = undefined;
      return quantile(draws, 0.99) / 1000;
    };
    const slow = p99('slow-pods');
    expect(slow).toBeGreaterThan(6);
    expect(slow).toBeLessThan(10);
    expect(p99('default')).toBeLessThan(2.5);
  });
});
