import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { burn, type BurnRun as Ran } from '../helpers/burn-cli.js';

/** `burn measure` through the built CLI against the simulator, then `burn report` and `burn diff` on its run folders. */


describe('burn measure', () => {
  let sim: RunningSim;
  let client: KubeClient;
  let dir: string;
  let kubeconfig: string;
  const runs: Ran[] = [];

  /** One measuring window: pods created by someone else while `burn measure` watches. */
  async function measureWhileCreating(name: string, reportDir: string): Promise<Ran> {
    const running = burn('measure', '--kubeconfig', kubeconfig, '--duration', '8s', '--selector', `app=${name}`, '--uuid', name, '--report-dir', reportDir);
    // Created once burn's watches are up: it says what it measures then.
    await running.said('measuring podLatency, schedulingThroughput');
    for (let i = 0; i < 6; i++) {
      await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-${i}`, namespace: 'default', labels: { app: i < 5 ? name : 'other' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } });
    }
    return running;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-measure-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim = await startSim({ nodes: 3, seed: 3, kubeconfigOut: kubeconfig });
    client = await connectCluster({ kubeconfig, qps: 100, burst: 100 });
    runs.push(await measureWhileCreating('first', join(dir, 'first')));
    runs.push(await measureWhileCreating('second', join(dir, 'second')));
  }, 180_000);

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a run folder: the documents of what it saw, jobSummary, slo.json, run.json and the reports', async () => {
    expect(runs[0]!.code, runs[0]!.stderr).toBe(0);
    const files = (await readdir(join(dir, 'first'))).sort();
    expect(files).toEqual([
      'jobSummary.json',
      'junit.xml',
      'podLatencyMeasurement-kube-burner-measure.json',
      'podLatencyQuantilesMeasurement-kube-burner-measure.json',
      'podLatencyWatchQuantilesMeasurement-kube-burner-measure.json',
      'podStartupLatencyMeasurement-kube-burner-measure.json',
      'report.html',
      'run.json',
      'schedulingThroughputMeasurement-kube-burner-measure.json',
      'slo.json',
    ]);
    const pods = JSON.parse(await readFile(join(dir, 'first', 'podLatencyMeasurement-kube-burner-measure.json'), 'utf8'));
    expect(pods.map((p: { podName: string }) => p.podName).sort()).toEqual(['first-0', 'first-1', 'first-2', 'first-3', 'first-4']);
    const slo = JSON.parse(await readFile(join(dir, 'first', 'slo.json'), 'utf8'));
    expect(slo.verdicts.find((v: { slo: string }) => v.slo === 'Pod startup latency')).toMatchObject({ source: 'watch', samples: 5 });
    const run = JSON.parse(await readFile(join(dir, 'first', 'run.json'), 'utf8'));
    expect(run).toMatchObject({ uuid: 'first', reason: 'completed', created: 'nothing (burn measure only watches)', alerts: [] });
    expect(runs[0]!.stdout).toContain(`results in ${join(dir, 'first')}`);
  });

  it('burn report reads the folder', async () => {
    const report = await burn('report', join(dir, 'first'), '--no-color');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/run first completed/);
    expect(report.stdout).toContain('measure');
  });

  it('burn diff reads two measure folders', async () => {
    expect(runs[1]!.code, runs[1]!.stderr).toBe(0);
    const same = await burn('diff', join(dir, 'first'), join(dir, 'first'), '--format', 'json');
    expect(same.code, same.stderr).toBe(0);
    const two = await burn('diff', join(dir, 'first'), join(dir, 'second'), '--format', 'json');
    expect([0, 4], two.stderr).toContain(two.code);
    const metrics: Array<{ label: string }> = JSON.parse(two.stdout).comparison.metrics;
    expect(metrics.some((m) => /startup/i.test(m.label)), JSON.stringify(metrics.map((m) => m.label))).toBe(true);
  });

  it("-c with an indexer and no jobs: the config's local indexer gets the measurement documents too, as kube-burner measure indexes them", async () => {
    // kube-burner's own measure config (its e2e suite's kube-burner-measure.yml) has no jobs key.
    const config = join(dir, 'indexed.yaml');
    await writeFile(config, `metricsEndpoints:\n  - indexer: {type: local, metricsDirectory: ${join(dir, 'indexed-docs')}}\nglobal:\n  measurements: [{name: podLatency}]\n`);
    const ran = await burn('measure', '-c', config, '--kubeconfig', kubeconfig, '--duration', '2s', '--uuid', 'indexed', '--report-dir', join(dir, 'indexed-run'));
    expect(ran.code, ran.stderr).toBe(0);
    const docs = (await readdir(join(dir, 'indexed-docs'))).sort();
    expect(docs).toContain('jobSummary.json');
    expect(docs).toEqual((await readdir(join(dir, 'indexed-run'))).filter((f) => f.endsWith('.json') && f !== 'run.json' && f !== 'slo.json').sort());
  }, 60_000);

  it('refuses an unknown --measurement before it connects, naming what burn measures', async () => {
    const bad = await burn('measure', '--kubeconfig', kubeconfig, '-m', 'podLatncy', '--duration', '1s', '--report-dir', join(dir, 'bad'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--measurement podLatncy: unknown measurement "podLatncy"');
    expect(bad.stderr).toContain('did you mean "podLatency"?');
    await expect(readdir(join(dir, 'bad'))).rejects.toThrow(/ENOENT/);
  });
});
