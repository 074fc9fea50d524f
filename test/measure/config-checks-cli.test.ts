import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { burn } from '../helpers/burn-cli.js';
import { podTemplate } from '../config/helpers.js';
import { startPrometheus, type RunningPrometheus } from './prometheus-harness.js';

/**
 * Through the built CLI against a simulator that outlives each run (so what a run left can be listed):
 * measurements checked when the config loads, metrics endpoints checked before anything is created,
 * and every fired alert, warning included, in run.json. A real Prometheus scrapes the simulator.
 */

let POD = '';

/** A create job of two pods (namespace `ns`), then `extra` (more jobs), with `metrics` at the top. */
function configText(options: { ns: string; measurements?: string; metrics?: string; extraJobs?: string }): string {
  return `${options.metrics ?? ''}
global:
  measurements:
${options.measurements ?? '    - name: podLatency'}
jobs:
  - name: first
    jobIterations: 1
    qps: 20
    burst: 20
    namespace: ${options.ns}
    podWait: true
    preLoadImages: false
    maxWaitTimeout: 1m
    objects:
      - objectTemplate: ${POD}
        replicas: 2
${options.extraJobs ?? ''}`;
}

describe('measurement and metrics endpoint checks, through the CLI', () => {
  let sim: RunningSim;
  let client: KubeClient;
  let prometheus: RunningPrometheus;
  let dir: string;
  let kubeconfig: string;

  /** Namespaces of the simulator whose name starts with `prefix`. */
  async function namespaces(prefix: string): Promise<string[]> {
    return (await client.list('v1', 'Namespace')).map((ns) => ns.metadata.name!).filter((n) => n.startsWith(prefix));
  }

  async function write(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-checks-'));
    kubeconfig = join(dir, 'kubeconfig');
    POD = await write('pod.yaml', podTemplate);
    sim = await startSim({ nodes: 3, seed: 5, kubeconfigOut: kubeconfig });
    client = await connectCluster({ kubeconfig, qps: 100, burst: 100 });
    prometheus = await startPrometheus([{ url: `${sim.url}/metrics`, bearerToken: sim.token }]);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await prometheus?.stop();
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('burn validate exits 1 at the line of an unknown measurement on the second job and of a mistyped option; burn init creates nothing', async () => {
    const file = await write('bad-measurements.yaml', configText({
      ns: 'badm',
      measurements: '    - name: podLatency\n      thresholds: [{conditionType: Ready, metric: P99, threshold: 2s}]\n      excludeImagePullz: true',
      extraJobs: '  - name: second\n    namespace: badm-second\n    measurements:\n      - name: podLatencyy\n    objects:\n      - objectTemplate: ' + POD + '\n',
    }));
    const validate = await burn('validate', '-c', file);
    expect(validate.code, validate.stdout).toBe(1);
    expect(validate.stderr).toContain(`${file}:6:7: unknown option "excludeImagePullz" of podLatency (did you mean "excludeImagePulls"?)`);
    expect(validate.stderr).toContain(`${file}:22:15: unknown measurement "podLatencyy" in job "second" (did you mean "podLatency"?`);
    const init = await burn('init', '-c', file, '--kubeconfig', kubeconfig, '--report-dir', join(dir, 'bad-run'));
    expect(init.code).toBe(1);
    expect(init.stderr).toContain('unknown measurement "podLatencyy"');
    expect(await namespaces('badm')).toEqual([]);
  }, 60_000);

  it('burn validate refuses kube-burner\'s KubeVirt measurements, naming those it has', async () => {
    const file = await write('kube-burner-only.yaml', configText({ ns: 'kbo', measurements: '    - name: vmiLatency' }));
    const validate = await burn('validate', '-c', file);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(`${file}:4:13: measurement "vmiLatency" measures KubeVirt VirtualMachineInstances: burn does not support KubeVirt or CDI in global (remove this entry, or run this config with kube-burner; burn measures: apiLatency, apiServerSli, hpaScaleOut, jobLatency, netpolLatency, nodeLatency, podLatency, pprof, prometheus, pvcLatency, saturation, schedulingThroughput, serviceLatency, volumeSnapshotLatency)`);
  }, 60_000);

  it('an unreachable metrics endpoint exits 1 before any namespace is created', async () => {
    const file = await write('unreachable.yaml', configText({ ns: 'unreach', metrics: 'metricsEndpoints:\n  - endpoint: http://127.0.0.1:1\n' }));
    expect((await burn('validate', '-c', file)).code).toBe(0);
    const init = await burn('init', '-c', file, '--kubeconfig', kubeconfig, '--uuid', 'unreachable-run', '--report-dir', join(dir, 'unreachable-run'));
    expect(init.code, init.stdout).toBe(1);
    expect(init.stderr).toContain('cannot reach Prometheus at http://127.0.0.1:1');
    expect(init.stderr).not.toContain('job first:');
    expect(await namespaces('unreach')).toEqual([]);
    expect((await client.list('v1', 'Namespace', { labelSelector: 'burn.dev/uuid=unreachable-run' })).length).toBe(0);
    // The same with the simulator the CLI starts: refused before the first job starts.
    const sim = await burn('init', '-c', file, '--sim', '--sim-nodes', '2', '--report-dir', join(dir, 'unreachable-sim'));
    expect(sim.code, sim.stdout).toBe(1);
    expect(sim.stderr).toContain('cannot reach Prometheus at http://127.0.0.1:1');
    expect(sim.stderr).not.toMatch(/job first: create/);
  }, 180_000); // three burn processes, one starting the simulator: slow on a loaded 2-core machine

  it('a metrics profile query Prometheus refuses exits 1 before any namespace is created, naming the profile line', async () => {
    const profile = await write('broken-metrics.yaml', '- query: up\n  metricName: up\n- query: sum(rate(apiserver_request_total[{{.elapsed}}])\n  metricName: broken\n');
    const file = await write('bad-promql.yaml', configText({ ns: 'badq', metrics: `metricsEndpoints:\n  - endpoint: ${prometheus.url}\n    metrics: [${profile}]\n` }));
    const init = await burn('init', '-c', file, '--kubeconfig', kubeconfig, '--report-dir', join(dir, 'bad-promql-run'));
    expect(init.code, init.stdout).toBe(1);
    expect(init.stderr).toContain(`Prometheus at ${prometheus.url} refuses 1 query`);
    expect(init.stderr).toContain(`metrics profile ${profile}:3:3 (metricName broken): bad_data`);
    expect(await namespaces('badq')).toEqual([]);
  }, 60_000);

  it("indexers get kube-burner's files: every indexer the measurements and job summaries, an endpoint's indexer its metrics; the run folder stays", async () => {
    const profile = await write('indexed-metrics.yaml', '- query: up\n  metricName: upMetric\n');
    const file = await write('indexer-only.yaml', configText({
      ns: 'idx',
      measurements: '    - name: podLatency\n    - name: prometheus\n      settleDelay: 2s\n      apiResponsiveness: false',
      metrics: [
        'metricsEndpoints:',
        `  - indexer: {type: local, metricsDirectory: ${join(dir, 'collected')}, createTarball: true, tarballName: ${join(dir, 'collected.tgz')}}`,
        `  - endpoint: ${prometheus.url}`,
        '    step: 1s',
        `    metrics: [${profile}]`,
        `    indexer: {type: local, metricsDirectory: ${join(dir, 'collected-prom')}}`,
        '',
      ].join('\n'),
    }));
    const reportDir = join(dir, 'indexer-run');
    const init = await burn('init', '-c', file, '--kubeconfig', kubeconfig, '--report-dir', reportDir, '--uuid', 'indexed-run');
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).not.toContain('is not a URL');
    const files = async (sub: string) => (await readdir(join(dir, sub))).sort();
    // Every measurement's documents and the job summaries, under the run folder's names (kube-burner's <metricName>-<job>).
    const measured = (await readdir(reportDir)).filter((f) => f.endsWith('.json') && !['run.json', 'slo.json', 'upMetric-first.json'].includes(f)).sort();
    expect(measured).toEqual(expect.arrayContaining(['jobSummary.json', 'podLatencyMeasurement-first.json', 'podLatencyQuantilesMeasurement-first.json']));
    expect(await files('collected')).toEqual(measured);
    expect(await files('collected-prom')).toEqual([...measured, 'upMetric.json'].sort());
    const up = JSON.parse(await readFile(join(dir, 'collected-prom/upMetric.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(up.length).toBeGreaterThan(0);
    expect(up[0]).toMatchObject({ metricName: 'upMetric', jobName: 'first', uuid: 'indexed-run', query: 'up' });
    const summaries = JSON.parse(await readFile(join(dir, 'collected/jobSummary.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(summaries.map((s) => [s.metricName, s.jobName, s.uuid])).toEqual([['jobSummary', 'first', 'indexed-run']]);
    // The run folder is written as before (metric profile documents per job).
    expect((await readdir(reportDir)).filter((f) => f.startsWith('upMetric'))).toEqual(['upMetric-first.json']);
    const { unpackTarGz } = await import('../../src/indexers/index.js');
    expect(unpackTarGz(await readFile(join(dir, 'collected.tgz'))).map((e) => e.name).sort()).toEqual(await files('collected'));
  }, 120_000);

  it('a warning alert that fired during the run is in run.json, beside the exit code it does not change', async () => {
    const alerts = await write('alerts.yaml', '- expr: up{job="target-0"} > 0\n  description: "simulator scraped by {{$labels.job}}"\n  severity: warning\n- expr: up == 0\n  description: never\n  severity: error\n');
    const file = await write('alerting.yaml', configText({
      ns: 'alerting',
      measurements: '    - name: podLatency\n    - name: prometheus\n      settleDelay: 2s',
      metrics: `metricsEndpoints:\n  - endpoint: ${prometheus.url}\n    step: 1s\n    alerts: [${alerts}]\n`,
    }));
    const reportDir = join(dir, 'alerting-run');
    const init = await burn('init', '-c', file, '--kubeconfig', kubeconfig, '--report-dir', reportDir);
    expect(init.code, init.stderr).toBe(0);
    const run = JSON.parse(await readFile(join(reportDir, 'run.json'), 'utf8'));
    expect(run.alerts).toEqual([expect.objectContaining({ severity: 'warning', description: 'simulator scraped by {{$labels.job}}', message: 'simulator scraped by target-0' })]);
  }, 120_000);
});
