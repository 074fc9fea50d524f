import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagePulled, preloadDaemonSet } from '../../src/engine/preload.js';
import { runBenchmark } from '../../src/engine/run.js';
import { connectCluster } from '../../src/kube/index.js';
import { createLogger } from '../../src/shared/log.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';

/** preLoadImages as kube-burner does it: a DaemonSet per job's images, waited for node by node, bounded by preLoadPeriod. */

const CONFIG = 'test/engine/fixtures/preload/config.yaml';
const HOUR_MS = 3_600_000;

describe('the preload DaemonSet', () => {
  const ds = preloadDaemonSet('preload-x', ['registry.k8s.io/pause:3.10', 'busybox:1.36'], { 'kubernetes.io/os': 'linux' });
  const spec = ds.spec.template.spec;

  it('runs every image as a container whose command needs no shell, on the selected nodes', () => {
    expect(spec.initContainers).toBeUndefined();
    const pulls = spec.containers.filter((c: any) => c.name.startsWith('pull-'));
    expect(pulls.map((c: any) => [c.name, c.image, c.imagePullPolicy])).toEqual([
      ['pull-0', 'registry.k8s.io/pause:3.10', 'Always'],
      ['pull-1', 'busybox:1.36', 'Always'],
    ]);
    for (const c of pulls) {
      expect(c.command).toHaveLength(1);
      expect(c.command[0]).not.toMatch(/(^|\/)(ba)?sh$/);
      expect(c.args).toBeUndefined();
    }
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    // As kube-burner: no toleration, so tainted nodes (control plane, not ready) are not waited for.
    expect(spec.tolerations).toBeUndefined();
  });

  it('counts an image as pulled once the kubelet is past the pull, whatever the container did next', () => {
    const waiting = (reason: string) => ({ name: 'pull-0', restartCount: 0, state: { waiting: { reason } } });
    // What a real kubelet reports for an image whose command does not exist in it.
    for (const reason of ['CrashLoopBackOff', 'RunContainerError', 'CreateContainerError', 'StartError']) expect(imagePulled(waiting(reason)), reason).toBe(true);
    expect(imagePulled({ name: 'pull-0', state: { terminated: { exitCode: 128, reason: 'StartError' } } })).toBe(true);
    expect(imagePulled({ name: 'pull-0', state: { running: { startedAt: 'now' } } })).toBe(true);
    expect(imagePulled({ name: 'pull-0', restartCount: 2, state: { waiting: { reason: 'ContainerCreating' } } })).toBe(true);
    for (const reason of ['', 'ContainerCreating', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']) expect(imagePulled(waiting(reason)), reason || '(no reason)').toBe(false);
    expect(imagePulled({ name: 'pull-0' })).toBe(false);
  });
});

describe('preLoadImages on the simulator', () => {
  let dir: string;
  let sim: RunningSim;
  let kubeconfig: string;
  const lines: string[] = [];
  const log = createLogger('info', (line) => void lines.push(line));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-preload-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim = await startSim({ nodes: 3, kubeconfigOut: kubeconfig, seed: 3 });
  });
  afterAll(async () => {
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(data: Record<string, string> = {}) {
    const name = Math.random().toString(36).slice(2);
    const userData = join(dir, `${name}.json`);
    await writeFile(userData, JSON.stringify(data));
    return runBenchmark({ configPath: CONFIG, userData, kubeconfig, reportDir: join(dir, `run-${name}`), log, tty: false });
  }

  it('goes on as soon as every node has pulled every image, not after the whole preLoadPeriod', async () => {
    lines.length = 0;
    const outcome = await run();
    expectHealthyExit(outcome.exitCode, outcome.record.errors.join('; '));
    const text = lines.join('');
    expect(text).toContain('preloading busybox:1.36, registry.k8s.io/pause:3.10 on every node (at most 3600s)');
    expect(text).toContain('job preloaded: 2 image(s) pulled on 3 node(s)');
    expect(text).not.toContain('preLoadPeriod 3600s passed');
    // The period is an hour; the whole run, preload included, took a small part of it.
    const tookMs = Date.parse(outcome.record.end) - Date.parse(outcome.record.start);
    expect(tookMs).toBeLessThan(HOUR_MS / 4);
    const client = await connectCluster({ kubeconfig });
    try {
      const left = await client.list('v1', 'Namespace', { labelSelector: 'kube-burner.io/job=preload' });
      expect(left.filter((n) => !n.metadata.deletionTimestamp)).toEqual([]);
    } finally {
      await client.close();
    }
  }, 180_000);

  it('pulls only on the nodes preLoadNodeLabels select', async () => {
    lines.length = 0;
    const outcome = await run({ node: 'sim-node-0002', namespace: 'preloaded-one' });
    expectHealthyExit(outcome.exitCode, outcome.record.errors.join('; '));
    expect(lines.join('')).toContain('job preloaded: 2 image(s) pulled on 1 node(s)');
  }, 180_000);

  it('waits for the preload namespace to go however long it takes, not only the job\'s maxWaitTimeout, as kube-burner', async () => {
    // A real cluster's namespace controller can take seconds to empty a namespace; here a ConfigMap
    // with a finalizer holds the preload namespace for 3 s after its deletion, well past the job's
    // maxWaitTimeout of 500 ms (which bounded this wait and failed the job).
    const HOLD = 'burn.test/hold';
    const timers: NodeJS.Timeout[] = [];
    const off = sim.store.on('namespaces', (e) => {
      const name = e.object.metadata.name as string;
      if (!name.startsWith('preload-')) return;
      if (e.type === 'ADDED') sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hold', namespace: name, finalizers: [HOLD] } });
      else if (e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp && !e.previous?.metadata.deletionTimestamp) {
        timers.push(setTimeout(() => sim.store.mutate('configmaps', name, 'hold', (cm) => void (cm.metadata.finalizers = [])), 3_000));
      }
    });
    try {
      const outcome = await run({ maxWait: '500ms', job: 'preloaded-held', namespace: 'preloaded-held' });
      expectHealthyExit(outcome.exitCode, outcome.record.errors.join('; '));
      expect(outcome.record.jobs[0]!.errors).toEqual([]);
      expect(timers).toHaveLength(1);
      const client = await connectCluster({ kubeconfig });
      try {
        expect(await client.list('v1', 'Namespace', { labelSelector: 'kube-burner.io/job=preload' })).toEqual([]);
      } finally {
        await client.close();
      }
    } finally {
      off();
      for (const t of timers) clearTimeout(t);
    }
  }, 180_000);

  it('fails the job, saying why, when no node matches preLoadNodeLabels within preLoadPeriod', async () => {
    const outcome = await run({ node: 'no-such-node', period: '2s', namespace: 'preloaded-none' });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.record.jobs[0]!.errors.join('\n')).toMatch(/preLoadImages found no node to pull images on within preLoadPeriod 2s/);
    expect(outcome.record.jobs[0]!.objectsCreated).toBe(0);
  }, 180_000);
});
