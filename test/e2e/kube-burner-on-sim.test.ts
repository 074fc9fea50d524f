import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Unmodified kube-burner v2.7.3 against `burn sim serve`: client-go's typed clients talk protobuf
 * to the simulator (namespaces, nodes, pod lists, DeleteOptions), its informers JSON. While
 * kube-burner creates the pods, `burn measure` watches the very same pods (by kube-burner's job
 * label) on the same simulator, so both tools measure one run; their podLatency quantiles must agree.
 *
 * Precision: both tools compute the condition phases (Ready, ContainersReady, Initialized,
 * PodReadyToStartContainers) from server timestamps in whole seconds, so those figures must be equal
 * to the millisecond. kube-burner takes PodScheduled from the Scheduled event's eventTime
 * (microseconds) and ContainersStarted from the Started event's name (nanoseconds), both minus the
 * whole-second creationTimestamp, where burn uses the PodScheduled condition and the containers'
 * startedAt (whole seconds): there kube-burner's figure is burn's plus the sub-second part, within
 * [0, 1000] ms of it.
 */

const KUBE_BURNER = process.env.BURN_TEST_KUBE_BURNER;
const BIN = resolve('bin/burn.js');
const JOB = 'kb-sim';
// 100 pods: below 100 samples burn's P99 is the maximum by design (p99IsMax), where kube-burner interpolates.
const NAMESPACES = 4;
const PODS_PER_NAMESPACE = 25;
const PODS = NAMESPACES * PODS_PER_NAMESPACE;
const SECOND_PHASES = ['Ready', 'ContainersReady', 'Initialized', 'PodReadyToStartContainers'];
const EVENT_PHASES = ['PodScheduled', 'ContainersStarted'];

const CONFIG = `global:
  gc: false
  measurements:
    - name: podLatency
metricsEndpoints:
  - indexer:
      type: local
      metricsDirectory: ./kb-docs
jobs:
  - name: ${JOB}
    jobType: create
    jobIterations: ${NAMESPACES}
    qps: 20
    burst: 20
    namespace: ${JOB}
    namespacedIterations: true
    podWait: false
    waitWhenFinished: true
    preLoadImages: false
    maxWaitTimeout: 3m
    objects:
      - objectTemplate: pod.yaml
        replicas: ${PODS_PER_NAMESPACE}
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: pause-{{.Iteration}}-{{.Replica}}
  labels:
    app: pause
spec:
  containers:
  - name: pause
    image: registry.k8s.io/pause:3.10
`;

interface Proc {
  child: ChildProcess;
  out: string;
  exited: Promise<number>;
  /** Resolves once stdout or stderr contains `text`; rejects if the process exits first. */
  says(text: string): Promise<void>;
}

function start(command: string, args: string[], cwd: string): Proc {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const proc: Proc = {
    child,
    out: '',
    exited: new Promise((done) => child.on('exit', (code, signal) => done(code ?? (signal ? 128 : -1)))),
    says: (text) =>
      new Promise((ok, fail) => {
        const check = () => proc.out.includes(text) && ok();
        child.stdout!.on('data', check);
        child.stderr!.on('data', check);
        void proc.exited.then(() => fail(new Error(`${command} ${args[0]} exited before saying "${text}":\n${proc.out}`)));
        check();
      }),
  };
  child.stdout!.on('data', (c: Buffer) => (proc.out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (proc.out += c.toString()));
  return proc;
}

async function stop(proc: Proc | undefined, signal: NodeJS.Signals): Promise<number | undefined> {
  if (!proc) return undefined;
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
  return proc.exited;
}

type Quantiles = Record<string, { P50: number; P95: number; P99: number; max: number; min: number; avg: number }>;

async function quantiles(file: string): Promise<Quantiles> {
  const docs = JSON.parse(await readFile(file, 'utf8')) as Array<{ quantileName: string } & Quantiles[string]>;
  return Object.fromEntries(docs.map((d) => [d.quantileName, d]));
}

describe.skipIf(!KUBE_BURNER)('unmodified kube-burner against burn sim serve (needs BURN_TEST_KUBE_BURNER, the kube-burner v2.7.3 binary scripts/e2e exports)', () => {
  let dir: string;
  let sim: Proc | undefined;
  let measure: Proc | undefined;
  let kubeBurner: { code: number; out: string };
  let measureCode: number | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-kb-on-sim-'));
    await writeFile(join(dir, 'config.yaml'), CONFIG);
    await writeFile(join(dir, 'pod.yaml'), POD);
    const kubeconfig = join(dir, 'kubeconfig');
    sim = start(process.execPath, [BIN, 'sim', 'serve', '--port', '0', '--nodes', '5', '--seed', '7', '--kubeconfig-out', kubeconfig], dir);
    await sim.says('press Ctrl-C to stop');
    measure = start(process.execPath, [BIN, 'measure', '--kubeconfig', kubeconfig, '-l', `kube-burner.io/job=${JOB}`, '-m', 'podLatency', '--uuid', 'burn-side', '--report-dir', join(dir, 'burn-run'), '--duration', '20m'], dir);
    // kube-burner starts once burn's pod watch is up: burn says what it measures then.
    await measure.says('measuring podLatency');
    const kb = start(KUBE_BURNER!, ['init', '-c', 'config.yaml', '--kubeconfig', kubeconfig, '--uuid', 'kube-burner-side'], dir);
    kubeBurner = { code: await kb.exited, out: kb.out };
    measureCode = await stop(measure, 'SIGINT');
  }, 300_000);

  afterAll(async () => {
    await stop(measure, 'SIGINT');
    await stop(sim, 'SIGTERM');
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  /** What the simulator printed, and whether it was still serving when kube-burner ended (seen once on CI: it was not, cause unknown). */
  function simulatorState(): string {
    const ended = sim?.child.exitCode !== null || sim?.child.signalCode !== null;
    return `\n--- the simulator ${ended ? `EXITED during the run (code ${sim?.child.exitCode}, signal ${sim?.child.signalCode})` : 'was still serving'}; its output:\n${sim?.out}`;
  }

  it('kube-burner completes the run: namespaces created over protobuf, every pod Ready and measured', async () => {
    expect(kubeBurner.code, kubeBurner.out + simulatorState()).toBe(0);
    expect(kubeBurner.out, simulatorState()).not.toMatch(/level=error/);
    const perPod = JSON.parse(await readFile(join(dir, 'kb-docs', `podLatencyMeasurement-${JOB}.json`), 'utf8')) as Array<Record<string, number | string>>;
    expect(perPod).toHaveLength(PODS);
    // Events carry real times: a container start read from the Started event's name is after the pod's creation.
    for (const pod of perPod) expect(pod.containersStartedLatency, String(pod.podName)).toBeGreaterThan(0);
    const summary = JSON.parse(await readFile(join(dir, 'kb-docs', 'jobSummary.json'), 'utf8'));
    // passed includes kube-burner's own verification that every object it created is there (verifyObjects).
    expect(summary[0]).toMatchObject({ metricName: 'jobSummary', passed: true, jobConfig: { name: JOB, verifyObjects: true }, k8sVersion: 'v1.34.0-burn-sim', totalNodes: 5 });
  });

  it('burn measured the same pods, with the same per-pod Ready latencies', async () => {
    expect(measureCode, measure?.out).not.toBe(undefined);
    expect([0, 5], measure?.out).toContain(measureCode);
    const kb = JSON.parse(await readFile(join(dir, 'kb-docs', `podLatencyMeasurement-${JOB}.json`), 'utf8')) as Array<Record<string, number | string>>;
    const burn = JSON.parse(await readFile(join(dir, 'burn-run', 'podLatencyMeasurement-kube-burner-measure.json'), 'utf8')) as Array<Record<string, number | string>>;
    const key = (p: Record<string, number | string>) => `${p.namespace}/${p.podName}`;
    expect(burn.map(key).sort()).toEqual(kb.map(key).sort());
    const burnByPod = new Map(burn.map((p) => [key(p), p]));
    for (const pod of kb) {
      const other = burnByPod.get(key(pod))!;
      for (const field of ['podReadyLatency', 'containersReadyLatency', 'initializedLatency', 'readyToStartContainersLatency']) {
        expect(other[field], `${key(pod)} ${field}`).toBe(pod[field]);
      }
    }
  });

  it('podLatency quantiles: equal for the condition phases, within kube-burner 1 s precision for the event-timed ones', async () => {
    const kb = await quantiles(join(dir, 'kb-docs', `podLatencyQuantilesMeasurement-${JOB}.json`));
    const burn = await quantiles(join(dir, 'burn-run', 'podLatencyQuantilesMeasurement-kube-burner-measure.json'));
    for (const phase of SECOND_PHASES) {
      for (const stat of ['P50', 'P95', 'P99', 'max', 'min', 'avg'] as const) {
        expect(burn[phase]?.[stat], `${phase} ${stat}`).toBe(kb[phase]?.[stat]);
      }
    }
    expect(kb.Ready!.P50).toBeGreaterThan(0);
    for (const phase of EVENT_PHASES) {
      for (const stat of ['P50', 'P99', 'max'] as const) {
        const diff = kb[phase]![stat] - burn[phase]![stat];
        expect(diff, `${phase} ${stat}: kube-burner ${kb[phase]![stat]} ms, burn ${burn[phase]![stat]} ms`).toBeGreaterThanOrEqual(0);
        expect(diff, `${phase} ${stat}: kube-burner ${kb[phase]![stat]} ms, burn ${burn[phase]![stat]} ms`).toBeLessThanOrEqual(1000);
      }
    }
  });
});
