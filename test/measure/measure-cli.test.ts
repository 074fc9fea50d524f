import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { runMeasure } from '../../src/cli/measure.js';

describe('burn measure', () => {
  let sim: RunningSim;
  let client: KubeClient;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-measure-'));
    sim = await startSim({ nodes: 3, seed: 3, kubeconfigOut: join(dir, 'kubeconfig') });
    client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig'), qps: 100, burst: 100 });
  });

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('measures pods created by someone else for a duration, writes the documents and grades them', async () => {
    const reportDir = join(dir, 'report');
    const running = runMeasure({ kubeconfig: join(dir, 'kubeconfig'), duration: 7000, selector: 'app=observed', measurement: [], uuid: 'm-1', reportDir });
    await new Promise((r) => setTimeout(r, 1000));
    for (let i = 0; i < 6; i++) {
      await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'default', labels: { app: i < 5 ? 'observed' : 'other' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } });
    }
    const exitCode = await running;
    const files = (await readdir(reportDir)).sort();
    expect(files).toEqual(['podLatencyMeasurement-measure.json', 'podLatencyQuantilesMeasurement-measure.json', 'podLatencyWatchQuantilesMeasurement-measure.json', 'podStartupLatencyMeasurement-measure.json', 'schedulingThroughputMeasurement-measure.json', 'slo.json']);
    const pods = JSON.parse(await readFile(join(reportDir, 'podLatencyMeasurement-measure.json'), 'utf8'));
    expect(pods.map((p: { podName: string }) => p.podName).sort()).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
    const slo = JSON.parse(await readFile(join(reportDir, 'slo.json'), 'utf8'));
    expect(slo.verdicts.find((v: { slo: string }) => v.slo === 'Pod startup latency')).toMatchObject({ source: 'watch', samples: 5 });
    expect(exitCode).toBe(slo.exitCode);
  });
});
