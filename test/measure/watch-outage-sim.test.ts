/**
 * burn's pods watch cut off from the API server, for real: the simulator (its own process) resets
 * every watch stream every 4 s and answers new watches 503 for 2 s of each 4 (profile fault
 * watchOutageEveryMs), while 160 pods are created and start. Each pod's true creation -> containers
 * started span (the simulator's ground truth) must lie within the range the watch gives it: a span
 * seen after an outage is known only to within it. podLatency says the watch was cut off and its
 * SLI carries the p99 at the spans' shortest and longest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimProcess, type SimProcess } from './sim-process.js';
import { connectCluster, type KubeClient, type WatchHandle } from '../../src/kube/index.js';
import { createMeasurement } from '../../src/measure/index.js';
import { PodTracker, projectPod, type PodSnapshot } from '../../src/measure/pod-tracker.js';
import { nowMs } from '../../src/shared/clock.js';
import { ReadinessTracker } from '../../src/engine/tracker.js';
import { WaitTimeout } from '../../src/engine/wait-ready.js';
import type { MeasurementContext, MeasurementResult, PodStartupSli } from '../../src/measure/types.js';

const PODS = 160;
const UUID = 'outage-0001';
const JOB = 'outage';
const NAMESPACE = 'burn-outage';
/** What a watch event's delivery may add to a span beyond any outage on a busy machine (the simulator flushes every 5 ms). */
const DELIVERY_MS = 1500;

function pod(i: number): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: NAMESPACE, labels: { 'burn.dev/uuid': UUID, 'burn.dev/job': JOB } },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pod startup when burn's watch is cut off from the API server", () => {
  let dir: string;
  let sim: SimProcess;
  let client: KubeClient;
  let truth: Record<string, { transitions: Record<string, number> }>;
  const tracker = new PodTracker(nowMs());
  let watch: WatchHandle<PodSnapshot>;
  let result: MeasurementResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-outage-'));
    const profile = join(dir, 'outages.yaml');
    // image pulls of a millisecond: the SLI subtracts pulls, the ground truth does not
    await writeFile(profile, 'extends: default\nimagePull: {p50: 1, p99: 2}\nfaults: {watchOutageEveryMs: 4000, watchOutageMs: 2000}\n');
    sim = await startSimProcess({ nodes: 20, seed: 11, kubeconfigOut: join(dir, 'kubeconfig'), profile });
    client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), qps: 20, burst: 1 });
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    const window = { startMs: Date.now() };
    const ctx: MeasurementContext = { client, uuid: UUID, runId: 'r', jobName: JOB, labelSelector: `burn.dev/uuid=${UUID},burn.dev/job=${JOB}`, metricsEndpoints: [], window: () => window };
    const podLatency = createMeasurement('podLatency');
    await podLatency.start(ctx);
    // A second watch of the same pods keeping each pod's range, to hold against the ground truth.
    watch = client.watchResources<PodSnapshot>({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACE, project: projectPod, onEvent: (_type, p, at, lateBy) => tracker.observe(p, at, lateBy) });
    await watch.synced;
    for (let i = 0; i < PODS; i++) await client.create(pod(i), { discardResponse: true });
    for (;;) {
      truth = (await client.request<{ pods: typeof truth }>({ method: 'GET', path: '/debug/sim/truth' })).pods;
      if (Object.values(truth).filter((p) => p.transitions.ContainersStarted !== undefined).length >= PODS) break;
      await sleep(250);
    }
    // until the watch has shown every pod started (it follows 2 s of every 4)
    const shownAll = () => Array.from({ length: tracker.size }, (_, row) => tracker.watchStartup(row)).filter((s) => !Number.isNaN(s.ms)).length >= PODS;
    for (const deadline = Date.now() + 60_000; !shownAll() && Date.now() < deadline; ) await sleep(200);
    await podLatency.stop();
    result = await podLatency.collect();
  }, 180_000);

  afterAll(async () => {
    await watch?.stop();
    await client?.close();
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("puts every pod's true span within the range the watch gives it, and the outages made a difference", () => {
    expect(watch.outages().length).toBeGreaterThan(0);
    expect(tracker.size).toBe(PODS);
    let late = 0;
    let distorted = 0;
    for (let row = 0; row < tracker.size; row++) {
      const { name } = tracker.record(row);
      const t = truth[`${NAMESPACE}/${name}`]!.transitions;
      const trueMs = t.ContainersStarted! - t.Created!;
      const seen = tracker.watchStartup(row);
      expect(seen.ms, name).not.toBeNaN();
      expect(trueMs, name).toBeGreaterThanOrEqual(seen.ms - seen.shorterByMs - DELIVERY_MS);
      expect(trueMs, name).toBeLessThanOrEqual(seen.ms + seen.longerByMs + DELIVERY_MS);
      if (seen.shorterByMs > 0 || seen.longerByMs > 0) late++;
      if (seen.ms - trueMs > DELIVERY_MS) distorted++;
    }
    // some starts came in a backlog after an outage, and some of those were seen much later than they happened
    expect(late).toBeGreaterThan(0);
    expect(distorted).toBeGreaterThan(0);
  });

  it('says so in podLatency, whose SLI carries the p99 at the shortest and longest spans', () => {
    expect(result.warnings?.join('\n')).toMatch(/podLatency: the pods watch was cut off from the API server .* in all/);
    const sli = result.slis.find((s): s is PodStartupSli => s.sli === 'podStartup')!;
    expect(sli.blind).toBeDefined();
    expect(sli.blind!.pods).toBeGreaterThan(0);
    expect(sli.blind!.ms).toBeGreaterThan(0);
    expect(sli.blind!.p99IfFast).toBeLessThanOrEqual(sli.p99);
    expect(sli.blind!.p99IfSlow).toBeGreaterThanOrEqual(sli.p99);
    // and the per-phase watch-clock figures leave out what was seen late
    const started = result.quantiles.find((q) => q.name === 'ContainersStarted' && q.clock === 'watch-ms');
    expect(started?.count ?? 0).toBeLessThan(PODS);
  });
});

describe("a wait that times out while burn's watch is cut off", () => {
  it('says the watch is cut off, and since when, before the reasons burn last saw', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burn-outage-wait-'));
    const profile = join(dir, 'outages.yaml');
    await writeFile(profile, 'extends: default\nfaults: {watchOutageEveryMs: 2000, watchOutageMs: 1500}\n');
    const sim = await startSimProcess({ nodes: 2, seed: 12, kubeconfigOut: join(dir, 'kubeconfig'), profile });
    const client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig') });
    const tracker = new ReadinessTracker(client, 'burn.dev/uuid=wait-0001');
    try {
      await tracker.start();
      for (const deadline = Date.now() + 20_000; tracker.cutOff().length === 0 && Date.now() < deadline; ) await sleep(50);
      const [cut] = tracker.cutOff();
      expect(cut).toMatchObject({ kind: 'Pod', error: expect.stringMatching(/./) });
      const err = new WaitTimeout('create', 60_000, 3, tracker.cutOff());
      expect(err.message).toMatch(/^job "create": 3 objects not ready after maxWaitTimeout 60s; burn's watch of Pods has been cut off from the API server for [\d.]+m?s \(.+\), so it cannot see them become ready$/);
      expect(err.hint).toContain('check that the API server answers burn');
    } finally {
      await tracker.stop();
      await client.close();
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
