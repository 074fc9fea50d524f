/**
 * netpolLatency end to end through the CLI on the simulator, in kube-burner's two-job shape: the
 * first job creates the pods (namespaceLabels kube-burner.io/skip-networkpolicy-latency: true, not
 * measured), the second the NetworkPolicies. The simulator runs no containers and enforces no
 * policy: the proxy pod is deployed and removed, the policies are counted, Ready and MinReady are
 * reported as not measurable, and a threshold on them makes the run inconclusive (exit 5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { burn } from '../helpers/burn-cli.js';

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: test-pod-{{.Replica}}
  labels: {num: "{{.Replica}}"}
spec:
  containers:
  - name: webserver
    image: quay.io/cloud-bulldozer/sampleapp:latest
    ports: [{containerPort: 8080, protocol: TCP}]
`;

const ingress = `kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata:
  name: ingress-{{.Iteration}}-{{.Replica}}
spec:
  podSelector:
    matchExpressions: [{key: num, operator: In, values: ["1"]}]
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: ["np-perf-{{ mod (add .Iteration 1) 2 }}"]}]
      podSelector:
        matchExpressions: [{key: num, operator: In, values: ["1", "2"]}]
    ports: [{protocol: TCP, port: 8080}]
  policyTypes: [Ingress]
`;

const config = `global:
  measurements:
    - name: netpolLatency
      thresholds:
        - {conditionType: Ready, metric: P99, threshold: 10s}
jobs:
  - name: np-pods
    namespace: np-perf
    jobIterations: 2
    namespacedIterations: true
    preLoadImages: false
    podWait: false
    waitWhenFinished: true
    gc: false
    namespaceLabels:
      kube-burner.io/skip-networkpolicy-latency: true
    objects:
      - {objectTemplate: pod.yml, replicas: 2}
  - name: np-policies
    namespace: np-perf
    jobIterations: 2
    namespacedIterations: true
    preLoadImages: false
    cleanup: false
    objects:
      - {objectTemplate: ingress-np.yml, replicas: 1}
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-netpol-'));
  await writeFile(join(dir, 'pod.yml'), pod);
  await writeFile(join(dir, 'ingress-np.yml'), ingress);
  await writeFile(join(dir, 'c.yaml'), config);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('netpolLatency on the simulator', () => {
  it('burn init --sim: the pods job is skipped by its label, the policies job reports not measurable and the run is inconclusive', async () => {
    const reportDir = join(dir, 'run');
    const ran = await burn('init', '-c', join(dir, 'c.yaml'), '--sim', '--report-dir', reportDir);
    const out = ran.stdout + ran.stderr;
    expect(ran.code, out).toBe(5);
    expect(out).toContain('job np-pods: netpolLatency: not measured on this job: its namespaceLabels set kube-burner.io/skip-networkpolicy-latency=true');
    expect(out).toMatch(/job np-policies: netpolLatency: Ready and MinReady not measurable: the proxy pod network-policy-proxy\/network-policy-proxy is scheduled where nothing runs \(node sim-node-\d+ is a node of burn's simulator, which runs no containers\): no client pod can connect and no network policy is enforced; 2 NetworkPolicy\(s\) created/);
    expect(out).toMatch(/INCONCLUSIVE netpolLatency Ready P99: not measurable/);
    const docs = JSON.parse(await readFile(join(reportDir, 'netpolLatencyMeasurement-np-policies.json'), 'utf8')) as any[];
    expect(docs.map((d) => `${d.namespace}/${d.netpol}`).sort()).toEqual(['np-perf-0/ingress-0-1', 'np-perf-1/ingress-1-1']);
    for (const d of docs) {
      expect(d.ready).toBeUndefined();
      expect(d.notMeasurable).toContain('runs no containers');
    }
    const quantiles = JSON.parse(await readFile(join(reportDir, 'netpolLatencyQuantilesMeasurement-np-policies.json'), 'utf8')) as any[];
    expect(quantiles.map((q) => [q.quantileName, q.count, q.P99])).toEqual([['Ready', 0, undefined], ['MinReady', 0, undefined]]);
  }, 300_000);
});
