import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark } from '../../src/engine/run.js';
import type { KubeClient } from '../../src/kube/index.js';
import { createLogger } from '../../src/shared/log.js';
import { useSim } from '../sim/with-sim.js';

/**
 * kube-burner's labels on burn's objects, so kube-burner configs that select by them work: a delete
 * job by kube-burner.io/job leaves nothing, a selection of nothing fails, verifyObjects counts what
 * the job created; and a run honest about objects that were already there, with kube-burner's cleanup.
 */

const sim = useSim({ nodes: 3 });

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d-{{ .Iteration }}-{{ .Replica }}
  labels: {tier: d}
spec:
  replicas: 2
  selector:
    matchLabels: {app: d-{{ .Iteration }}-{{ .Replica }}}
  template:
    metadata:
      labels: {app: d-{{ .Iteration }}-{{ .Replica }}}
    spec:
      containers:
        - name: pause
          image: registry.k8s.io/pause:3.10
`;

const POD_AND_CONFIGMAP = `apiVersion: v1
kind: Pod
metadata:
  name: p-{{ .Iteration }}-{{ .Replica }}
spec:
  containers:
    - name: pause
      image: registry.k8s.io/pause:3.10
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ .Iteration }}-{{ .Replica }}
data: {a: b}
`;

async function files(name: string, config: string): Promise<string> {
  const dir = sim().dir;
  await writeFile(join(dir, 'deployment.yaml'), DEPLOYMENT);
  await writeFile(join(dir, 'pod-and-configmap.yaml'), POD_AND_CONFIGMAP);
  const path = join(dir, `${name}.yaml`);
  await writeFile(path, config);
  return path;
}

async function run(configPath: string, uuid: string) {
  const lines: string[] = [];
  const outcome = await runBenchmark({
    configPath,
    uuid,
    kubeconfig: sim().kubeconfigPath,
    reportDir: join(sim().dir, `run-${uuid}`),
    log: createLogger('info', (line) => void lines.push(line)),
    tty: false,
  });
  const summaries = JSON.parse(await readFile(join(outcome.reportDir, 'jobSummary.json'), 'utf8')) as Array<Record<string, any>>;
  return { outcome, summaries, log: lines.join('') };
}

function createJob(name: string, namespace: string, extra: string[] = []): string {
  return [
    `  - name: ${name}`,
    '    jobType: create',
    '    jobIterations: 2',
    `    namespace: ${namespace}`,
    '    qps: 50',
    '    burst: 50',
    '    preLoadImages: false',
    '    maxWaitTimeout: 5m',
    ...extra.map((l) => `    ${l}`),
    '    objects:',
    '      - objectTemplate: deployment.yaml',
    '        replicas: 2',
    '      - objectTemplate: pod-and-configmap.yaml',
    '        replicas: 1',
  ].join('\n');
}

async function live(client: KubeClient, apiVersion: string, kind: string, labelSelector: string): Promise<string[]> {
  return (await client.list(apiVersion, kind, { labelSelector })).filter((o) => !o.metadata.deletionTimestamp).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

describe("kube-burner's labels on burn's objects", () => {
  it('job 1 creates (verifyObjects counts a Deployment and not its pods), job 2 deletes by kube-burner.io/job: nothing is left', async () => {
    const path = await files(
      'create-delete',
      `global:
  gc: false
jobs:
${createJob('kb-create', 'kb-create')}
  - name: kb-delete
    jobType: delete
    qps: 50
    burst: 50
    objects:
      - {kind: Deployment, apiVersion: apps/v1, labelSelector: {kube-burner.io/job: kb-create}}
      - {kind: Pod, labelSelector: {kube-burner.io/job: kb-create}}
      - {kind: ConfigMap, labelSelector: {kube-burner.io/job: kb-create}}
      - {kind: Namespace, labelSelector: {kube-burner.io/job: kb-create}}
`,
    );
    const client = await sim().connect();
    const { outcome, summaries, log } = await run(path, 'kb-labels');
    expect(outcome.record.errors).toEqual([]);
    expect(outcome.exitCode, log).not.toBe(1);
    // 2 iterations x (2 Deployments + 1 Pod + 1 ConfigMap); the 8 pods of the Deployments are not the job's objects.
    expect(summaries.map((s) => [s.jobName, s.passed, s.objectsCreated, s.alreadyExists])).toEqual([
      ['kb-create', true, 8, 0],
      // The delete job's count depends on how many of the Deployments' pods were still there to delete.
      ['kb-delete', true, expect.any(Number), 0],
    ]);
    expect(log).not.toContain('verifyObjects');
    for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['v1', 'Pod'], ['v1', 'ConfigMap'], ['v1', 'Namespace']] as const) {
      expect(await live(client, apiVersion, kind, 'kube-burner.io/job=kb-create'), kind).toEqual([]);
      expect(await live(client, apiVersion, kind, 'burn.dev/uuid=kb-labels'), kind).toEqual([]);
    }
  }, 300_000);

  it("labels objects, pod templates and namespaces with kube-burner's labels and values, and verifyObjects finds each by its index", async () => {
    const path = await files('labels', `jobs:\n${createJob('kb-labelled', 'kb-labelled', ['verifyObjects: true', 'errorOnVerify: true'])}\n`);
    const client = await sim().connect();
    const { outcome, summaries, log } = await run(path, 'kb-labelled-run');
    expect(outcome.record.errors, log).toEqual([]);
    expect(summaries[0]!.objectsCreated).toBe(8);
    const runId = outcome.record.runId;
    const common = { 'kube-burner.io/uuid': 'kb-labelled-run', 'kube-burner.io/runid': runId, 'kube-burner.io/job': 'kb-labelled', 'kube-burner.io/group': '0' };
    const deployment = await client.get('apps/v1', 'Deployment', 'd-1-2', 'kb-labelled-1');
    const kb = { ...common, 'kube-burner.io/index': '0', 'kube-burner.io/job-iteration': '1', 'kube-burner.io/replica': '2' };
    expect(deployment.metadata.labels).toMatchObject({ tier: 'd', ...kb, 'burn.dev/uuid': 'kb-labelled-run', 'burn.dev/job': 'kb-labelled' });
    // The object's own labels are copied onto its pod template too, as kube-burner does.
    expect((deployment.spec as any).template.metadata.labels).toMatchObject({ app: 'd-1-2', tier: 'd', ...kb });
    // The pods the Deployment made carry the Deployment's index: they are not object 0 of kind Pod.
    const pods = await client.list('v1', 'Pod', { namespace: 'kb-labelled-1', labelSelector: 'app=d-1-2' });
    expect(pods.length).toBe(2);
    for (const pod of pods) expect(pod.metadata.labels).toMatchObject(kb);
    // A template of two documents: each is an object of its own for kube-burner.io/index.
    const pod = await client.get('v1', 'Pod', 'p-0-1', 'kb-labelled-0');
    expect(pod.metadata.labels).toMatchObject({ ...common, 'kube-burner.io/index': '1', 'kube-burner.io/job-iteration': '0', 'kube-burner.io/replica': '1' });
    const configMap = await client.get('v1', 'ConfigMap', 'cm-0-1', 'kb-labelled-0');
    expect(configMap.metadata.labels).toMatchObject({ ...common, 'kube-burner.io/index': '2' });
    const ns = await client.get('v1', 'Namespace', 'kb-labelled-0');
    expect(ns.metadata.labels).toMatchObject({ 'kube-burner.io/job': 'kb-labelled', 'kube-burner.io/uuid': 'kb-labelled-run', 'kube-burner.io/runid': runId });
    expect(ns.metadata.labels?.['kube-burner.io/index']).toBeUndefined();
  }, 300_000);

  it('a delete job whose selector matches nothing fails and says so; allowNoMatch: true makes it expected', async () => {
    const deleteNothing = (allow: boolean) => `jobs:
  - name: delete-nothing
    jobType: delete
    objects:
      - kind: ConfigMap
        labelSelector: {kube-burner.io/job: no-such-job}
${allow ? '        allowNoMatch: true\n' : ''}`;
    const failing = await run(await files('delete-nothing', deleteNothing(false)), 'delete-nothing');
    expect(failing.outcome.exitCode).toBe(1);
    expect(failing.summaries[0]!.passed).toBe(false);
    expect(failing.outcome.record.errors).toEqual([
      'job delete-nothing: object 1 of delete job "delete-nothing" (ConfigMap with kube-burner.io/job=no-such-job) matched nothing, so nothing was deleted; if that is expected, set allowNoMatch: true on the object',
    ]);
    const allowed = await run(await files('delete-nothing-allowed', deleteNothing(true)), 'delete-nothing-allowed');
    expect(allowed.outcome.record.errors).toEqual([]);
    expect(allowed.summaries[0]!.passed).toBe(true);
    expect(allowed.log).toContain('matched nothing, so nothing was deleted (allowNoMatch: true)');
  }, 300_000);
});

describe('objects that were already there, and cleanup', () => {
  it('a second run of the same config (gc false, cleanup false) counts its AlreadyExists, waits on none of them and fails saying how to clean up', async () => {
    const client = await sim().connect();
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'users-own' } });
    const config = `global:
  gc: false
jobs:
  - name: twice
    namespace: users-own
    namespacedIterations: false
    jobIterations: 3
    cleanup: false
    preLoadImages: false
    maxWaitTimeout: 10m
    objects:
      - objectTemplate: pod-and-configmap.yaml
        replicas: 1
`;
    const path = await files('twice', config);
    const first = await run(path, 'first-run');
    expect(first.outcome.record.errors).toEqual([]);
    expect(first.summaries[0]!.objectsCreated).toBe(6);

    const second = await run(path, 'second-run');
    expect(second.outcome.exitCode).toBe(1);
    const [summary] = second.summaries;
    expect([summary!.passed, summary!.objectsCreated, summary!.alreadyExists]).toEqual([false, 0, 6]);
    const record = JSON.parse(await readFile(join(second.outcome.reportDir, 'run.json'), 'utf8'));
    expect(record.jobs[0].alreadyExists).toBe(6);
    expect(record.errors).toEqual([expect.stringMatching(/^job twice: every create of job "twice" found its object already there, so this run created nothing: 6 creates of job "twice" found the object already there \(409 AlreadyExists: (Pod|ConfigMap) users-own\//)]);
    expect(second.log).toContain('burn destroy --uuid first-run');
    expect(second.log).toContain('cleanup: true');
    // Nothing of the second run's, and the first run's objects untouched.
    expect(await live(client, 'v1', 'Pod', 'burn.dev/uuid=second-run')).toEqual([]);
    expect((await live(client, 'v1', 'ConfigMap', 'burn.dev/uuid=first-run')).length).toBe(3);
  }, 300_000);

  it("cleanup: true removes what an earlier run of the job left before the job starts, and only that job's", async () => {
    const config = (cleanup: boolean) => `global:
  gc: false
jobs:
${createJob('cleaned', 'cleaned', [`cleanup: ${cleanup}`])}
${createJob('other-job', 'other-job', ['cleanup: false'])}
`;
    const client = await sim().connect();
    const first = await run(await files('cleaned-1', config(false)), 'cleaned-1');
    expect(first.outcome.record.errors).toEqual([]);
    expect((await live(client, 'v1', 'Namespace', 'burn.dev/uuid=cleaned-1')).length).toBe(4);

    // The other job's namespaces would be refused (they belong to run cleaned-1): give the second run only the cleaned job.
    const second = await run(await files('cleaned-2', `global:\n  gc: false\njobs:\n${createJob('cleaned', 'cleaned')}\n`), 'cleaned-2');
    expect(second.outcome.record.errors, second.log).toEqual([]);
    expect(second.log).toContain('job cleaned: cleanup deleted 2 namespace(s) and 0 other object(s) that earlier runs of the job left (kube-burner.io/job=cleaned)');
    expect(second.summaries[0]!.objectsCreated).toBe(8);
    expect(await live(client, 'v1', 'Namespace', 'kube-burner.io/job=cleaned')).toEqual(['/cleaned-0', '/cleaned-1']);
    expect((await client.get('v1', 'Namespace', 'cleaned-0')).metadata.labels?.['burn.dev/uuid']).toBe('cleaned-2');
    // The earlier run's objects of another job are not this job's to clean.
    expect(await live(client, 'v1', 'Namespace', 'burn.dev/uuid=cleaned-1')).toEqual(['/other-job-0', '/other-job-1']);
  }, 300_000);
});
