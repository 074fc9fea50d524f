/**
 * serviceLatency end to end through the CLI on the simulator, whose nodes run no containers: the
 * checker pod is deployed and removed as kube-burner does, EndpointsReady is measured from the
 * API, Ready is reported as not measurable (never a number), and a Ready threshold makes the run
 * inconclusive (exit 5), not passed and not failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster } from '../../src/kube/index.js';
import { startSim } from '../../src/sim/index.js';
import { burn } from '../helpers/burn-cli.js';

const deployment = `kind: Deployment
apiVersion: apps/v1
metadata:
  name: web-{{.Replica}}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web-{{.Replica}}}
  template:
    metadata:
      labels: {app: web-{{.Replica}}}
    spec:
      containers:
      - name: web
        image: quay.io/cloud-bulldozer/nginx:latest
        ports: [{containerPort: 8080, protocol: TCP}]
`;

const service = `kind: Service
apiVersion: v1
metadata:
  name: web-{{.Replica}}
spec:
  selector: {app: web-{{.Replica}}}
  ports: [{protocol: TCP, port: 80, targetPort: 8080}]
`;

function config(measurement: string): string {
  return `global:
  measurements:
${measurement}
jobs:
  - name: svc
    namespace: svc-lat
    jobIterations: 2
    namespacedIterations: true
    preLoadImages: false
    podWait: false
    waitWhenFinished: true
    objects:
      - {objectTemplate: deployment.yml, replicas: 2}
      - {objectTemplate: service.yml, replicas: 2}
`;
}

const withThreshold = `    - name: serviceLatency
      svcTimeout: 5s
      thresholds:
        - {conditionType: Ready, metric: P99, threshold: 2s}
        - {conditionType: EndpointsReady, metric: Max, threshold: 10m}`;

let dir: string;

async function json(folder: string, name: string): Promise<any[]> {
  return JSON.parse(await readFile(join(folder, name), 'utf8'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-svclat-'));
  await writeFile(join(dir, 'deployment.yml'), deployment);
  await writeFile(join(dir, 'service.yml'), service);
  await writeFile(join(dir, 'threshold.yaml'), config(withThreshold));
  await writeFile(join(dir, 'plain.yaml'), config('    - name: serviceLatency'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('serviceLatency on the simulator', () => {
  it('burn init --sim: EndpointsReady measured, Ready not measurable with the reason, its threshold inconclusive (exit 5)', async () => {
    const reportDir = join(dir, 'run-threshold');
    const ran = await burn('init', '-c', join(dir, 'threshold.yaml'), '--sim', '--report-dir', reportDir);
    expect(ran.code, ran.stderr + ran.stdout).toBe(5);
    const out = ran.stdout + ran.stderr;
    expect(out).toContain('INCONCLUSIVE');
    expect(out).toContain('1 threshold on a quantity this cluster cannot show');
    expect(out).toMatch(/INCONCLUSIVE serviceLatency Ready P99: not measurable \(the checker pod kube-burner-service-latency\/svc-checker is scheduled where nothing runs \(node sim-node-\d+ is a node of burn's simulator, which runs no containers\)/);
    expect(out).not.toMatch(/FAIL serviceLatency/);
    const docs = await json(reportDir, 'svcLatencyMeasurement-svc.json');
    expect(docs).toHaveLength(4);
    for (const d of docs) {
      expect(d.ready).toBeUndefined();
      expect(d).toMatchObject({ metricName: 'svcLatencyMeasurement', type: 'ClusterIP', jobName: 'svc', endpointsReady: expect.any(Number), notMeasurable: expect.stringContaining('runs no containers') });
      expect(d.endpointsReady).toBeGreaterThan(0);
    }
    expect(docs.map((d) => `${d.namespace}/${d.service}`).sort()).toEqual(['svc-lat-0/web-1', 'svc-lat-0/web-2', 'svc-lat-1/web-1', 'svc-lat-1/web-2']);
    const quantiles = await json(reportDir, 'svcLatencyQuantilesMeasurement-svc.json');
    expect(quantiles.map((q) => q.quantileName)).toEqual(['EndpointsReady', 'Ready']);
    expect(quantiles[0]).toMatchObject({ count: 4, P99: expect.any(Number) });
    expect(quantiles[1].P99).toBeUndefined();
    expect(quantiles[1].notMeasurable).toContain('runs no containers');
    const slo = JSON.parse(await readFile(join(reportDir, 'slo.json'), 'utf8'));
    const verdicts = (slo.verdicts ?? slo.results ?? []) as any[];
    expect(verdicts.filter((v) => String(v.key).startsWith('serviceLatency')).map((v) => `${v.key}:${v.state}`).sort()).toEqual(['serviceLatency EndpointsReady Max:pass', 'serviceLatency Ready P99:inconclusive']);
  }, 240_000);

  it('without a threshold the run passes and says what could not be measured; the checker\'s namespace is gone afterwards', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const sim = await startSim({ nodes: 3, seed: 3, kubeconfigOut: kubeconfig });
    try {
      const client = await connectCluster({ kubeconfig });
      const seen: string[] = [];
      const watch = client.watchResources({
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'kube-burner-service-latency',
        project: (p: any) => `${p.metadata.name} ${p.spec.containers[0].image} ${JSON.stringify(p.spec.containers[0].command)}`,
        onEvent: (type, pod) => seen.push(`${type} ${pod}`),
      });
      try {
        await watch.synced;
        const reportDir = join(dir, 'run-plain');
        const ran = await burn('init', '-c', join(dir, 'plain.yaml'), '--kubeconfig', kubeconfig, '--report-dir', reportDir);
        expect(ran.code, ran.stderr + ran.stdout).toBe(0);
        expect(ran.stderr + ran.stdout).toContain('serviceLatency: Ready (connectivity) not measurable');
        expect(await readdir(reportDir)).toContain('svcLatencyMeasurement-svc.json');
        // The checker pod was deployed as kube-burner's, then removed with its namespace.
        expect(seen[0]).toBe('ADDED svc-checker quay.io/kube-burner/fedora-nc:latest ["sleep","inf"]');
        expect(seen.at(-1)).toMatch(/^DELETED svc-checker/);
        expect(await client.get('v1', 'Namespace', 'kube-burner-service-latency', undefined, { notFoundOk: true })).toBeNull();
      } finally {
        await watch.stop();
        await client.close();
      }
    } finally {
      await sim.stop();
    }
  }, 240_000);
});
