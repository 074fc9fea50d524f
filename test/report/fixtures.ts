/**
 * Run folders for the report and diff tests, written the way a run writes them: raw pods go
 * through the pod tracker and podLatency, request records through apiLatency, and the engine's
 * writeRunFolder writes run.json, jobSummary.json, slo.json and the documents.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentFiles, firedAlerts, measurementRecords, writeRunFolder, type ClusterFacts, type RunRecord } from '../../src/report/run-folder.js';
import { ApiLatencyRecorder, apiLatencyResult } from '../../src/measure/api-latency.js';
import { PodTracker, projectPod } from '../../src/measure/pod-tracker.js';
import { podLatencyResult } from '../../src/measure/pod-latency.js';
import { ScheduledCounter, schedulingThroughputResult } from '../../src/measure/scheduling-throughput.js';
import type { MeasurementResult } from '../../src/measure/types.js';
import type { RequestRecord } from '../../src/kube/types.js';
import { seededRandom } from '../../src/shared/random.js';

export interface FixtureRun {
  uuid: string;
  jobName?: string;
  pods: number;
  /** Configured qps of the job; pods are created at this rate. */
  qps?: number;
  /** Startup latency of pod i (creation -> containers started), ms. */
  startupMs: (random: () => number, i: number) => number;
  schedulingMs?: number;
  /** Client-side latency of each request, ms. */
  requestMs?: (random: () => number) => number;
  seed?: number;
  reason?: string;
  startMs?: number;
  /** burn's own calls (origin burn): a LIST of events per pod with this latency, ms. */
  burnCallMs?: number;
  configFile?: string;
  configDigest?: string;
  /** Achieved qps written to the job summary (default: requests over the sending time). */
  achievedQps?: number;
  /** Results of other measurements of the job (saturation, alerts...), written beside the generated ones. */
  extraResults?: MeasurementResult[];
}

const CLUSTER: ClusterFacts = { target: 'sim', k8sVersion: 'v1.33.0', totalNodes: 10, server: 'https://127.0.0.1:6443' };

function iso(ms: number): string {
  // Server timestamps have 1 s precision.
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function rawPod(name: string, createdMs: number, scheduledMs?: number, startedMs?: number): object {
  const conditions: object[] = [];
  if (scheduledMs !== undefined) conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: iso(scheduledMs) });
  if (startedMs !== undefined) {
    for (const type of ['Initialized', 'PodReadyToStartContainers']) conditions.push({ type, status: 'True', lastTransitionTime: iso(scheduledMs ?? createdMs) });
    for (const type of ['ContainersReady', 'Ready']) conditions.push({ type, status: 'True', lastTransitionTime: iso(startedMs + 40) });
  }
  return {
    metadata: { namespace: 'burn-test', name, creationTimestamp: iso(createdMs), labels: { 'burn.dev/iteration': name.split('-').at(-1) } },
    spec: { nodeName: scheduledMs !== undefined ? 'node-1' : undefined, containers: [{ name: 'app' }] },
    status: {
      conditions,
      containerStatuses: startedMs !== undefined ? [{ name: 'app', state: { running: { startedAt: iso(startedMs) } } }] : [],
    },
  };
}

function measure(run: FixtureRun, jobName: string, t0: number): { results: MeasurementResult[]; endMs: number; requests: number } {
  const random = seededRandom(run.seed ?? 1);
  const qps = run.qps ?? 20;
  const tracker = new PodTracker(t0 - 1000);
  const counter = new ScheduledCounter();
  const recorder = new ApiLatencyRecorder();
  let endMs = t0;
  for (let i = 0; i < run.pods; i++) {
    const name = `pod-${i}`;
    const created = t0 + (i * 1000) / qps;
    const scheduled = created + (run.schedulingMs ?? 30);
    const started = created + run.startupMs(random, i);
    tracker.observe(projectPod(rawPod(name, created)), created + 5);
    tracker.observe(projectPod(rawPod(name, created, scheduled)), scheduled + 5);
    counter.observe({ id: name, scheduled: true }, scheduled + 5);
    tracker.observe(projectPod(rawPod(name, created, scheduled, started)), started + 45);
    endMs = Math.max(endMs, started + 45);
    const latency = run.requestMs?.(random) ?? 20 + 10 * random();
    const record: RequestRecord = { verb: 'POST', origin: 'workload', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'namespace', namespace: 'burn-test', code: 201, startMs: created, latencyMs: latency, attemptLatencyMs: latency, retries: 0 };
    recorder.record(record);
    recorder.record({ ...record, verb: 'GET', code: 200, latencyMs: latency / 2, attemptLatencyMs: latency / 2 });
    if (run.burnCallMs !== undefined) recorder.record({ ...record, origin: 'burn', verb: 'LIST', resource: 'events', scope: 'cluster', namespace: undefined, code: 200, latencyMs: run.burnCallMs, attemptLatencyMs: run.burnCallMs });
  }
  const meta = { uuid: run.uuid, jobName };
  return {
    results: [
      podLatencyResult(tracker, { ...meta, thresholds: [] }),
      apiLatencyResult(recorder, { ...meta, customThresholds: [], allowedSlowCalls: 0 }),
      schedulingThroughputResult(counter, meta),
    ],
    endMs,
    requests: 2 * run.pods,
  };
}

/** Writes a run folder under a new temp folder (or `dir`) and returns its path. */
export async function writeFixtureRun(run: FixtureRun, dir?: string): Promise<string> {
  const runDir = dir ?? (await mkdtemp(join(tmpdir(), 'burn-report-')));
  const jobName = run.jobName ?? 'create-pods';
  const t0 = run.startMs ?? Date.parse('2026-11-22T10:00:00.000Z');
  const measured = measure(run, jobName, t0);
  const { endMs, requests } = measured;
  const results = [...measured.results, ...(run.extraResults ?? [])];
  const sendingMs = (run.pods * 1000) / (run.qps ?? 20);
  const reason = (run.reason ?? 'completed') as RunRecord['reason'];
  const errors = reason !== 'completed' ? [`job ${jobName}: the run ended: ${reason}`] : [];
  const record: RunRecord = {
    uuid: run.uuid,
    runId: 'run-1',
    burnVersion: '0.1.0',
    configFile: run.configFile ?? 'configs/quickstart.yml',
    configDigest: run.configDigest ?? 'f'.repeat(64),
    config: { global: { gc: true, measurements: [{ name: 'podLatency' }] }, jobs: [jobName], metricsEndpoints: [] },
    start: new Date(t0).toISOString(),
    end: new Date(endMs).toISOString(),
    reason,
    errors,
    explanations: [],
    cluster: CLUSTER,
    metadata: {},
    created: 'nothing (gc ran)',
    burnProcess: { cpuUserMs: 100, cpuSystemMs: 10, maxRssMb: 80 },
    alerts: firedAlerts(results),
    jobs: [
      {
        name: jobName,
        jobType: 'create',
        jobConfig: { name: jobName, qps: run.qps ?? 20, burst: 20, jobIterations: run.pods, jobType: 'create', objects: [] },
        start: new Date(t0).toISOString(),
        end: new Date(endMs).toISOString(),
        passed: true,
        errors: [],
        explanations: [],
        requests,
        achievedQps: run.achievedQps ?? requests / (sendingMs / 1000),
        sendingMs,
        objectsCreated: run.pods,
        uncertainCreates: 0,
        alreadyExists: 0,
        churnCycles: 0,
        measurements: measurementRecords(results),
      },
    ],
    documentFiles: documentFiles(results),
  };
  await writeRunFolder(runDir, record);
  return runDir;
}

/** Startup latency around `meanMs`, uniformly spread by +-spread (fraction). */
export function around(meanMs: number, spread = 0.2): (random: () => number) => number {
  return (random) => meanMs * (1 + spread * (2 * random() - 1));
}
