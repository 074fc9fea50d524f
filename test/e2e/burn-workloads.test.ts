// burn's own scenarios end to end on the real control plane (apiserver, controllers, scheduler, kwok nodes).
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, kubectlJson } from './cluster.js';
import { burnDestroy, burnInit, expectPassedOrInconclusive, leftOnCluster, removeScratch, type JobSummary, type QuantileDocument, type SloFile } from './fixtures/burn-run.js';

interface PodLatencyDocument {
  podName: string;
  namespace: string;
  nodeName: string;
  schedulingLatency: number;
  podReadyLatency: number;
  watchLatencies: Record<string, number | null>;
}

afterAll(removeScratch);

describe('burn init on the real control plane', () => {
  it('runs the quickstart: every job passes, pods become ready, SLOs pass, gc leaves nothing', async () => {
    const run = await burnInit('configs/quickstart.yaml');
    const { outcome } = run;
    expect(outcome.record.errors).toEqual([]);
    expectPassedOrInconclusive(outcome, await run.read<SloFile>('slo.json'));

    const summaries = await run.read<JobSummary[]>('jobSummary.json');
    expect(summaries.map((s) => [s.jobName, s.passed, s.objectsCreated, s.target])).toEqual([
      ['quickstart', true, 15, 'real'],
      ['quickstart-delete', true, 15, 'real'],
    ]);
    const [create] = summaries;
    expect(create!.k8sVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(create!.totalNodes).toBeGreaterThanOrEqual(1);
    expect(create!.achievedQps).toBeGreaterThan(0);
    // The token bucket's bound: never more than burst + qps x sending time requests.
    expect(create!.requests).toBeLessThanOrEqual(create!.jobConfig.burst + create!.jobConfig.qps * create!.sendingTime + 1);

    // 5 deployments x 2 replicas, each pod seen scheduled onto a node and ready.
    const pods = await run.read<PodLatencyDocument[]>('podLatencyMeasurement-quickstart.json');
    expect(pods).toHaveLength(10);
    expect(new Set(pods.map((p) => p.namespace))).toEqual(new Set(['quickstart-0', 'quickstart-1', 'quickstart-2', 'quickstart-3', 'quickstart-4']));
    const scheduledToReady: number[] = [];
    for (const pod of pods) {
      expect(pod.nodeName, pod.podName).toMatch(/\S/);
      const { schedulingLatency: scheduled, podReadyLatency: readyAt } = pod.watchLatencies;
      expect(readyAt, pod.podName).toBeGreaterThan(0);
      scheduledToReady.push(readyAt! - scheduled!);
      // Server timestamps have 1 s precision: ready within a few seconds of creation on kwok.
      expect(pod.podReadyLatency, pod.podName).toBeLessThanOrEqual(5000);
      expect(pod.podReadyLatency, pod.podName).toBeGreaterThanOrEqual(pod.schedulingLatency);
    }
    // kwok marks a pod Ready 800-1200 ms after it sees it scheduled (scripts/controlplane/up's defaults).
    scheduledToReady.sort((a, b) => a - b);
    expect(scheduledToReady[0]).toBeGreaterThanOrEqual(700);
    expect(scheduledToReady[Math.floor(scheduledToReady.length / 2)]).toBeLessThan(2500);
    const watchQuantiles = await run.read<QuantileDocument[]>('podLatencyWatchQuantilesMeasurement-quickstart.json');
    const ready = watchQuantiles.find((q) => q.quantileName === 'Ready');
    expect(ready, JSON.stringify(watchQuantiles)).toBeDefined();
    expect(ready!.P50).toBeGreaterThan(0);
    expect(ready!.P50).toBeLessThanOrEqual(ready!.P99);
    expect(ready!.P99).toBeLessThan(5000);
    console.log(`quickstart: ${create!.requests} requests at ${create!.achievedQps}/s (qps ${create!.jobConfig.qps}, burst ${create!.jobConfig.burst}); pod Ready via watch P50 ${ready!.P50} ms, P99 ${ready!.P99} ms`);

    const slo = await run.read<SloFile>('slo.json');
    const startup = slo.verdicts.find((v) => v.slo === 'Pod startup latency' && v.source === 'watch');
    expect(startup?.samples).toBe(10);
    expect(slo.verdicts.some((v) => v.source === 'client' && v.key.startsWith('POST deployments'))).toBe(true);
    expect(slo.verdicts.filter((v) => v.state === 'fail')).toEqual([]);

    expect(await leftOnCluster(outcome.uuid)).toEqual([]);
  });

  it('runs a small cluster-density: objects verified, every pod ready; burn destroy removes it', async () => {
    const iterations = 3;
    // maxWaitTimeout under the test's timeout, so a wait that never ends still fails with burn's reasons and cleans up.
    const run = await burnInit('configs/cluster-density.yaml', { set: [`jobs.0.jobIterations=${iterations}`, 'global.gc=false', 'jobs.0.maxWaitTimeout=90s'] });
    const { outcome } = run;
    let destroyed = '';
    try {
      expect(outcome.record.errors).toEqual([]);
      const graded = await run.read<SloFile>('slo.json');
      expectPassedOrInconclusive(outcome, graded);
      expect(run.log.filter((line) => line.includes('verifyObjects'))).toEqual([]);
      const [summary] = await run.read<JobSummary[]>('jobSummary.json');
      expect([summary!.jobName, summary!.passed, summary!.objectsCreated]).toEqual(['cluster-density', true, iterations * 30]);

      // What the cluster holds, counted independently of burn: one namespace per iteration, 10 + 10 + 5 + 5 objects in each.
      const selector = `burn.dev/uuid=${outcome.uuid}`;
      const counted = await kubectlJson<{ items: Array<{ kind: string; metadata: { namespace?: string }; status?: { replicas?: number } }> }>(
        ['get', 'namespaces,configmaps,secrets,deployments,services', '--all-namespaces', '-l', selector],
      );
      const byKind = new Map<string, number>();
      for (const item of counted.items) byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
      expect(Object.fromEntries(byKind)).toEqual({ Namespace: iterations, ConfigMap: 10 * iterations, Secret: 10 * iterations, Deployment: 5 * iterations, Service: 5 * iterations });
      const deployments = counted.items.filter((i) => i.kind === 'Deployment');
      expect(deployments.map((d) => d.status?.replicas)).toEqual(deployments.map(() => 2));

      // Every pod was seen Ready by burn's watch during the run (readiness now is the kwok nodes' business).
      const pods = await run.read<PodLatencyDocument[]>('podLatencyMeasurement-cluster-density.json');
      expect(pods).toHaveLength(iterations * 10);
      expect(pods.filter((p) => !(p.watchLatencies.podReadyLatency! > 0)).map((p) => p.podName)).toEqual([]);
      const slo = await run.read<SloFile>('slo.json');
      expect(slo.verdicts.filter((v) => v.source === 'client' && v.slo.startsWith('Mutating')).map((v) => v.key.split(' (')[0])).toEqual(
        // Namespaces are created by burn's housekeeping client (origin 'burn'): not in the workload's client figures.
        expect.arrayContaining(['POST configmaps', 'POST deployments', 'POST secrets', 'POST services']),
      );
    } finally {
      destroyed = await burnDestroy(outcome.uuid);
    }
    expect(destroyed).toBe(`removed ${iterations} namespace(s) and 0 object(s) of run ${outcome.uuid}\n`);
    expect(await leftOnCluster(outcome.uuid)).toEqual([]);
  });
});

interface NodeList { items: Array<{ status: { allocatable: { pods: string } } }> }
interface PodList { items: Array<{ metadata: { deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase?: string } }> }

/** Pods the nodes still have room for (allocatable minus bound), once no pod of earlier tests is still terminating. */
async function freePodSlots(): Promise<{ nodes: number; free: number }> {
  let terminating = 0;
  const pods = await eventually(
    'no terminating pods',
    async () => {
      const list = await kubectlJson<PodList>(['get', 'pods', '--all-namespaces']);
      terminating = list.items.filter((p) => p.metadata.deletionTimestamp).length;
      return terminating === 0 ? list : undefined;
    },
    { timeoutMs: 120_000, describe: () => `${terminating} pods terminating` },
  );
  const bound = pods.items.filter((p) => p.spec.nodeName && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed').length;
  const nodes = await kubectlJson<NodeList>(['get', 'nodes']);
  const capacity = nodes.items.reduce((sum, n) => sum + Number(n.status.allocatable.pods), 0);
  return { nodes: nodes.items.length, free: capacity - bound };
}

describe('pods the cluster has no room for', () => {
  it('ends with exit 1 and the scheduler\'s reason; burn destroy removes the rest, twice harmlessly', async () => {
    const { nodes, free } = await freePodSlots();
    const pending = 10;
    const run = await burnInit('test/e2e/fixtures/too-many-pods.yaml', { set: [`jobs.0.jobIterations=${free + pending}`] });
    const { outcome } = run;
    let destroyed = '';
    try {
      expect([outcome.reason, outcome.exitCode]).toEqual(['failed', 1]);
      expect(outcome.record.errors).toEqual([expect.stringMatching(/not ready after maxWaitTimeout 20s/)]);
      // In the real scheduler's words, which go on about preemption after the first sentence.
      expect(outcome.record.explanations).toEqual([expect.stringMatching(new RegExp(`^${pending} pods Pending: 0/${nodes} nodes are available: ${nodes} Too many pods\\. `))]);
      expect(run.log.join('')).toContain(`remove it with: burn destroy --uuid ${outcome.uuid}`);
      const runJson = await run.read<{ explanations: string[]; created: string }>('run.json');
      expect(runJson.explanations).toEqual(outcome.record.explanations);
      expect(runJson.created).toBe(`1 namespace, ${free + pending} Pod`);
      console.log(`too many pods: ${free + pending} pods for ${free} free slots on ${nodes} nodes: ${outcome.record.explanations[0]}`);
      expect(await leftOnCluster(outcome.uuid)).not.toEqual([]);
    } finally {
      // Also when an assertion failed: 330 pods left behind would starve every later suite.
      destroyed = await burnDestroy(outcome.uuid);
    }
    expect(destroyed).toBe(`removed 1 namespace(s) and 0 object(s) of run ${outcome.uuid}\n`);
    expect(await burnDestroy(outcome.uuid)).toBe(`nothing of run ${outcome.uuid} is left on the cluster\n`);
    expect(await leftOnCluster(outcome.uuid)).toEqual([]);
  });
});
