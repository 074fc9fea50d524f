// serviceLatency and netpolLatency on the real control plane, whose nodes are kwok's: the real
// endpointslice controller gives EndpointsReady; connectivity and policy enforcement cannot be shown
// (nothing runs on kwok nodes), so Ready/MinReady are reported as not measurable and their
// thresholds make the run inconclusive; the probe pods' namespaces are gone afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlJson } from './cluster.js';
import { burnInit, removeScratch } from './fixtures/burn-run.js';

const files: Record<string, string> = {
  'deployment.yml': `kind: Deployment
apiVersion: apps/v1
metadata: {name: web-{{.Replica}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web-{{.Replica}}}}
  template:
    metadata: {labels: {app: web-{{.Replica}}}}
    spec:
      containers:
      - {name: web, image: registry.k8s.io/pause:3.10, ports: [{containerPort: 8080, protocol: TCP}]}
`,
  'service.yml': `kind: Service
apiVersion: v1
metadata: {name: web-{{.Replica}}}
spec:
  selector: {app: web-{{.Replica}}}
  ports: [{protocol: TCP, port: 80, targetPort: 8080}]
`,
  'svc.yaml': `global:
  measurements:
    - name: serviceLatency
      thresholds: [{conditionType: Ready, metric: P99, threshold: 5s}]
jobs:
  - name: e2e-svc-latency
    namespace: e2e-svc-latency
    jobIterations: 2
    namespacedIterations: true
    preLoadImages: false
    objects:
      - {objectTemplate: deployment.yml, replicas: 2}
      - {objectTemplate: service.yml, replicas: 2}
`,
  'pod.yml': `apiVersion: v1
kind: Pod
metadata: {name: test-pod-{{.Replica}}, labels: {num: "{{.Replica}}"}}
spec:
  containers: [{name: webserver, image: registry.k8s.io/pause:3.10, ports: [{containerPort: 8080, protocol: TCP}]}]
`,
  'ingress-np.yml': `kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: ingress-{{.Iteration}}-{{.Replica}}}
spec:
  podSelector: {matchLabels: {num: "1"}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: e2e-np-{{ mod (add .Iteration 1) 2 }}}}
      podSelector: {matchLabels: {num: "2"}}
    ports: [{protocol: TCP, port: 8080}]
  policyTypes: [Ingress]
`,
  'np.yaml': `global:
  measurements:
    - name: netpolLatency
      thresholds: [{conditionType: Ready, metric: P99, threshold: 10s}]
jobs:
  - name: e2e-np-pods
    namespace: e2e-np
    jobIterations: 2
    namespacedIterations: true
    preLoadImages: false
    gc: false
    namespaceLabels: {kube-burner.io/skip-networkpolicy-latency: true}
    objects:
      - {objectTemplate: pod.yml, replicas: 2}
  - name: e2e-np-policies
    namespace: e2e-np
    jobIterations: 2
    namespacedIterations: true
    preLoadImages: false
    cleanup: false
    objects:
      - {objectTemplate: ingress-np.yml, replicas: 1}
`,
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-e2e-net-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
});

afterAll(async () => {
  await removeScratch();
  await rm(dir, { recursive: true, force: true });
});

async function namespaceGone(name: string): Promise<boolean> {
  const list = await kubectlJson<{ items: Array<{ metadata: { name: string } }> }>(['get', 'namespaces', '--field-selector', `metadata.name=${name}`]);
  return list.items.length === 0;
}

describe('network measurements on the real control plane (kwok nodes)', () => {
  it('serviceLatency: EndpointsReady from the real endpointslice controller, Ready not measurable on kwok, inconclusive', async () => {
    const run = await burnInit(join(dir, 'svc.yaml'));
    expect(run.outcome.exitCode, run.log.join('\n')).toBe(5);
    expect(run.log.join('\n')).toMatch(/serviceLatency: Ready \(connectivity\) not measurable: the checker pod kube-burner-service-latency\/svc-checker is scheduled where nothing runs \(node \S+ is a kwok node, which runs no containers\)/);
    const docs = await run.read<Array<Record<string, unknown>>>('svcLatencyMeasurement-e2e-svc-latency.json');
    expect(docs).toHaveLength(4);
    for (const d of docs) {
      expect(d.ready).toBeUndefined();
      expect(d.endpointsReady).toBeGreaterThan(0);
    }
    expect(await namespaceGone('kube-burner-service-latency')).toBe(true);
  }, 300_000);

  it('netpolLatency: the pods job skipped by its label, the policies counted, Ready not measurable on kwok, inconclusive', async () => {
    const run = await burnInit(join(dir, 'np.yaml'));
    const log = run.log.join('\n');
    expect(run.outcome.exitCode, log).toBe(5);
    expect(log).toContain('job e2e-np-pods: netpolLatency: not measured on this job');
    expect(log).toMatch(/job e2e-np-policies: netpolLatency: Ready and MinReady not measurable: .*kwok node.*; 2 NetworkPolicy\(s\) created/);
    const docs = await run.read<Array<Record<string, unknown>>>('netpolLatencyMeasurement-e2e-np-policies.json');
    expect(docs.map((d) => d.netpol).sort()).toEqual(['ingress-0-1', 'ingress-1-1']);
    expect(await namespaceGone('network-policy-proxy')).toBe(true);
  }, 300_000);
});
