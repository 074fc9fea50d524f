// kube-burner configs select burn's objects by kube-burner's labels, on the real control plane.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl, kubectlJson, uniqueName } from './cluster.js';
import { burnDestroy, burnInit, leftOnCluster, removeScratch, type JobSummary } from './fixtures/burn-run.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d-{{ .Iteration }}-{{ .Replica }}
spec:
  replicas: 2
  selector:
    matchLabels: {app: d-{{ .Iteration }}-{{ .Replica }}}
  template:
    metadata:
      labels: {app: d-{{ .Iteration }}-{{ .Replica }}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
        - name: pause
          image: registry.k8s.io/pause:3.10
          resources: {requests: {cpu: 1m, memory: 8Mi}}
`;

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ .Iteration }}
data: {a: b}
`;

interface Listed {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
}

let dir: string;
const job = uniqueName('kbl');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-e2e-kbl-'));
  await writeFile(join(dir, 'deployment.yaml'), DEPLOYMENT);
  await writeFile(join(dir, 'configmap.yaml'), CONFIGMAP);
  await writeFile(
    join(dir, 'config.yaml'),
    `global:
  gc: false
jobs:
  - name: ${job}
    jobType: create
    jobIterations: 2
    namespace: ${job}
    qps: 20
    burst: 20
    preLoadImages: false
    maxWaitTimeout: 2m
    objects:
      - objectTemplate: deployment.yaml
        replicas: 2
      - objectTemplate: configmap.yaml
        replicas: 1
  - name: ${job}-delete
    jobType: delete
    qps: 20
    burst: 20
    maxWaitTimeout: 2m
    objects:
      - {kind: Deployment, apiVersion: apps/v1, labelSelector: {kube-burner.io/job: ${job}}}
      - {kind: ConfigMap, labelSelector: {kube-burner.io/job: ${job}}}
      - {kind: Namespace, labelSelector: {kube-burner.io/job: ${job}}}
`,
  );
});

afterAll(async () => {
  await removeScratch();
  await rm(dir, { recursive: true, force: true });
});

describe("kube-burner's labels on the real control plane", () => {
  it('job 1 creates (verifyObjects passes with Deployments), job 2 deletes by kube-burner.io/job: nothing is left', async () => {
    const run = await burnInit(join(dir, 'config.yaml'));
    const { outcome } = run;
    try {
      expect(outcome.record.errors, run.log.join('')).toEqual([]);
      const summaries = await run.read<JobSummary[]>('jobSummary.json');
      expect(summaries.map((s) => [s.jobName, s.passed])).toEqual([
        [job, true],
        [`${job}-delete`, true],
      ]);
      // 2 iterations x (2 Deployments + 1 ConfigMap); their 8 pods are not the job's objects.
      expect(summaries[0]!.objectsCreated).toBe(6);
      // 4 Deployments, 2 ConfigMaps and 2 namespaces selected by kube-burner.io/job.
      expect(summaries[1]!.objectsCreated).toBe(8);
      expect(run.log.join('')).not.toContain('verifyObjects');

      expect(await leftOnCluster(outcome.uuid)).toEqual([]);
      const left = await kubectlJson<{ items: Listed[] }>(['get', 'namespaces,deployments,replicasets,pods,configmaps', '--all-namespaces', '-l', `kube-burner.io/job=${job}`]);
      expect(left.items.filter((i) => !i.metadata.deletionTimestamp).map((i) => `${i.kind}/${i.metadata.namespace ?? ''}/${i.metadata.name}`)).toEqual([]);
    } finally {
      // Whatever failed above, nothing of the run stays on the shared cluster.
      await burnDestroy(outcome.uuid).catch(() => undefined);
      await kubectl(['delete', 'namespaces', '-l', `kube-burner.io/job=${job}`, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
  });
});
