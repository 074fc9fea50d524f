/**
 * podLatency's cost and accuracy.
 * - benchPodTracking(): heap (JS heap + typed-array buffers) for tracking 150,000 pods (goal < 100 MB, < 400 B/pod) and events/s
 *   ingested from realistic pod JSON (JSON.parse + projection + tracker), beside JSON.parse alone.
 * - benchPodAccuracy(): 2,000 pods on the simulator (own process) at a steady create rate;
 *   watch-clock P50/P99 per phase against /debug/sim/truth (goal: within 5 ms or 1%).
 * Run: node --expose-gc node_modules/vite-node/vite-node.mjs bench/pod-tracking.main.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectCluster } from '../src/kube/index.js';
import { createMeasurement } from '../src/measure/index.js';
import { PodTracker, projectPod } from '../src/measure/pod-tracker.js';
import { interpolatedRankQuantile } from '../src/measure/quantiles.js';
import type { MeasurementContext } from '../src/measure/types.js';
import { nowMs } from '../src/shared/clock.js';
import { podJson } from '../test/measure/pod-fixture.js';
import { startSimProcess } from '../test/measure/sim-process.js';

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface PodTrackingFigures {
  pods: number;
  heapMB: number;
  bytesPerPod: number;
  events: number;
  eventsPerSecond: number;
  jsonParseOnlyPerSecond: number;
  /** eventsPerSecond / jsonParseOnlyPerSecond: what projection and tracking cost beyond parsing. */
  ingestVsParse: number;
  podJsonBytes: number;
}

/** The lifecycle of one pod as watch event texts (ADDED, scheduled, sandbox, started, ready). */
function lifecycle(namespace: string, name: string, created: number): string[] {
  const t = { created, scheduled: created + 40, readyToStart: created + 500, initialized: created + 500, started: created + 900, ready: created + 1200 };
  const stages = [
    { created },
    { created, scheduled: t.scheduled },
    { created, scheduled: t.scheduled, readyToStart: t.readyToStart, initialized: t.initialized },
    { created, scheduled: t.scheduled, readyToStart: t.readyToStart, initialized: t.initialized, started: t.started },
    t,
  ];
  const node = `worker-${(name.length * 7 + created) % 1500}`;
  return stages.map((stage) => JSON.stringify(podJson(namespace, name, stage, { node })));
}

export async function benchPodTracking(pods = 150_000, ingestPods = 20_000): Promise<PodTrackingFigures> {
  const gc = collectGarbage();
  const t0 = Date.parse('2026-11-22T10:00:00Z');
  // Heap: every pod seen through its final event, strings coming from JSON.parse like a watch's.
  const ready = lifecycle('ns-0', 'PLACEHOLDER-7b9c6d5f4-xk2p9', t0).at(-1)!;
  // Typed-array columns live outside the JS heap: count them too.
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const before = used();
  const tracker = new PodTracker(t0 - 1000);
  for (let i = 0; i < pods; i++) {
    const text = ready.replaceAll('PLACEHOLDER', `deployment-${i % 1000}-${i}`).replace('"ns-0"', `"node-density-${i % 500}"`);
    tracker.observe(projectPod(JSON.parse(text)), t0 + 5 + (i % 1000));
  }
  gc();
  const heapBytes = used() - before;
  if (tracker.size !== pods) throw new Error('tracker lost pods');

  // Ingest: five events per pod, from realistic pod JSON.
  const texts: string[] = [];
  for (let i = 0; i < ingestPods; i++) texts.push(...lifecycle(`ns-${i % 100}`, `web-${i}-7b9c6d5f4-abcde`, t0 + i));
  const ingest = new PodTracker(t0 - 1000);
  let start = nowMs();
  for (let i = 0; i < texts.length; i++) ingest.observe(projectPod(JSON.parse(texts[i]!)), t0 + i);
  const ingestMs = nowMs() - start;
  start = nowMs();
  let sink = 0;
  for (const text of texts) sink += (JSON.parse(text) as { metadata: object }).metadata ? 1 : 0;
  const parseMs = nowMs() - start;
  if (sink !== texts.length) throw new Error('parse check');
  return {
    pods,
    heapMB: Math.round((heapBytes / 1024 / 1024) * 10) / 10,
    bytesPerPod: Math.round(heapBytes / pods),
    events: texts.length,
    eventsPerSecond: Math.round(texts.length / (ingestMs / 1000)),
    jsonParseOnlyPerSecond: Math.round(texts.length / (parseMs / 1000)),
    ingestVsParse: Math.round((parseMs / ingestMs) * 100) / 100,
    podJsonBytes: texts.at(-1)!.length,
  };
}

export interface AccuracyFigure {
  phase: string;
  quantile: 'P50' | 'P99';
  measuredMs: number;
  truthMs: number;
  errorMs: number;
  allowedMs: number;
  within: boolean;
}

export async function benchPodAccuracy(pods = 2000, qps = 50): Promise<{ figures: AccuracyFigure[]; loadAverage: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-bench-acc-'));
  const sim = await startSimProcess({ nodes: 30, seed: 11, kubeconfigOut: join(dir, 'kubeconfig') });
  const client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), qps, burst: 10 });
  try {
    const uuid = 'bench-acc';
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-acc' } });
    const measurement = createMeasurement('podLatency');
    const window = { startMs: nowMs() };
    const ctx: MeasurementContext = { client, uuid, runId: 'r', jobName: 'acc', labelSelector: `burn.dev/uuid=${uuid}`, metricsEndpoints: [], window: () => window };
    await measurement.start(ctx);
    await Promise.all(
      Array.from({ length: pods }, (_, i) =>
        client.create(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'bench-acc', labels: { 'burn.dev/uuid': uuid } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } },
          { discardResponse: true },
        ),
      ),
    );
    let truth: Record<string, { transitions: Record<string, number> }> = {};
    for (;;) {
      truth = (await client.request<{ pods: typeof truth }>({ method: 'GET', path: '/debug/sim/truth' })).pods;
      if (Object.values(truth).filter((p) => p.transitions.Ready !== undefined).length >= pods) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 500));
    await measurement.stop();
    const result = await measurement.collect();
    const figures: AccuracyFigure[] = [];
    for (const phase of ['PodScheduled', 'Initialized', 'ContainersStarted', 'Ready']) {
      const truthLatencies = Object.values(truth).map((p) => p.transitions[phase]! - p.transitions.Created!).sort((a, b) => a - b);
      const measured = result.quantiles.find((q) => q.name === phase && q.clock === 'watch-ms')!;
      for (const [quantile, q, value] of [['P50', 0.5, measured.p50], ['P99', 0.99, measured.p99]] as const) {
        const truthMs = interpolatedRankQuantile(truthLatencies, q);
        const allowedMs = Math.max(5, 0.01 * truthMs);
        const errorMs = value - truthMs;
        figures.push({ phase, quantile, measuredMs: Math.round(value * 10) / 10, truthMs: Math.round(truthMs * 10) / 10, errorMs: Math.round(errorMs * 10) / 10, allowedMs: Math.round(allowedMs * 10) / 10, within: Math.abs(errorMs) <= allowedMs });
      }
    }
    return { figures, loadAverage: loadavg()[0]! };
  } finally {
    await client.close();
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
