import { describe, expect, it } from 'vitest';
import { load, podTemplate, problemsOf } from './helpers.js';
import { formatPlan, planRun } from '../../src/config/index.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: deployment-{{.Iteration}}-{{.Replica}}
spec:
  replicas: {{.podReplicas}}
  template:
    spec:
      containers:
        - name: pause
          image: registry.k8s.io/pause:3.10
`;

function seedJob(iterations: number, replicas: number, qps: number, burst: number): string {
  return `jobs:
  - name: create-deployments
    jobIterations: ${iterations}
    qps: ${qps}
    burst: ${burst}
    namespace: kube-burner-test
    preLoadImages: false
    objects:
      - objectTemplate: deployment.yaml
        replicas: ${replicas}
        inputVars: {podReplicas: 1}
`;
}

async function planOf(files: Record<string, string>) {
  return planRun(await load(files));
}

describe('planRun', () => {
  // The kube-burner article (seed 003) timed these on kind; the least time is what the token bucket allows.
  it.each([
    [1, 1, 1, 1, 1, 0], // one deployment: the burst covers it
    [5, 1, 1, 1, 5, 4_000], // article 5.3s
    [10, 2, 1, 1, 20, 19_000], // article 20.3s
    [10, 2, 10, 10, 20, 1_000], // article 1.3s
    [10, 2, 1, 10, 20, 10_000], // article 11.2s
    [10, 2, 1, 20, 20, 0], // article 1.1s
    [20, 2, 2, 20, 40, 10_000], // article 10.7s
  ])('%i iterations x %i replicas at qps %i burst %i: %i requests, least %i ms', async (iterations, replicas, qps, burst, requests, leastMs) => {
    const plan = await planOf({ 'config.yaml': seedJob(iterations, replicas, qps, burst), 'deployment.yaml': deployment });
    expect(plan.jobs[0]).toMatchObject({ requests, requestsExact: true, leastTimeMs: leastMs, totalObjects: iterations * replicas, totalPods: iterations * replicas });
    expect(plan.leastTimeMs).toBe(leastMs);
  });

  it('names the namespaces: <namespace>-<iteration / iterationsPerNamespace>, or one without namespacedIterations', async () => {
    const config = `jobs:
  - name: grouped
    jobIterations: 5
    iterationsPerNamespace: 2
    namespace: grp
    objects: [{objectTemplate: pod.yaml}]
  - name: single
    jobIterations: 5
    namespace: one
    namespacedIterations: false
    objects: [{objectTemplate: pod.yaml}]
`;
    const plan = await planOf({ 'config.yaml': config, 'pod.yaml': podTemplate });
    expect(plan.jobs[0]!.namespaces).toEqual(['grp-0', 'grp-1', 'grp-2']);
    expect(plan.jobs[1]!.namespaces).toEqual(['one']);
    expect(plan.totalNamespaces).toBe(4);
  });

  it('counts runOnce objects once, repeated objects every N iterations, and every document of a template', async () => {
    const twoDocs = `${podTemplate}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{.Iteration}}-{{.Replica}}\n`;
    const config = `jobs:
  - name: mixed
    jobIterations: 10
    namespace: mixed
    qps: 100
    burst: 100
    preLoadImages: false
    objects:
      - objectTemplate: two-docs.yaml
        replicas: 2
      - objectTemplate: pod.yaml
        runOnce: true
      - objectTemplate: pod.yaml
        repeatEveryNIterations: 3
`;
    const plan = await planOf({ 'config.yaml': config, 'pod.yaml': podTemplate, 'two-docs.yaml': twoDocs });
    const job = plan.jobs[0]!;
    expect(job.objects.map((o) => [o.kinds, o.documentsPerReplica, o.iterations, o.total])).toEqual([
      [['Pod', 'ConfigMap'], 2, 10, 40],
      [['Pod'], 1, 1, 1],
      [['Pod'], 1, 4, 4],
    ]);
    expect(job).toMatchObject({ objectsFirstIteration: 6, objectsPerIteration: 4, totalObjects: 45, totalPods: 25 });
  });

  it('adds delays and pauses to the least time; the image preload is bounded by its period, not a pause', async () => {
    const config = `jobs:
  - name: slow
    jobIterations: 3
    namespace: slow
    qps: 100
    burst: 100
    jobIterationDelay: 2s
    jobPause: 5s
    preLoadPeriod: 30s
    objects: [{objectTemplate: pod.yaml}]
`;
    const plan = await planOf({ 'config.yaml': config, 'pod.yaml': podTemplate });
    expect(plan.jobs[0]!.leastTimeMs).toBe(2 * 2000 + 5000);
    expect(plan.jobs[0]!.plus).toContain('pulling the images on every node (preLoadImages, at most 30s)');
  });

  it('counts churn by its duration or cycles, whichever ends first', async () => {
    const config = (churn: string) => `jobs:
  - name: churning
    namespace: c
    qps: 100
    burst: 100
    preLoadImages: false
    churnConfig: ${churn}
    objects: [{objectTemplate: pod.yaml}]
`;
    const byCycles = await planOf({ 'config.yaml': config('{cycles: 3, delay: 10s, duration: 1h}'), 'pod.yaml': podTemplate });
    expect(byCycles.jobs[0]!.leastTimeMs).toBe(30_000);
    const byDuration = await planOf({ 'config.yaml': config('{cycles: 100, delay: 1m, duration: 5m}'), 'pod.yaml': podTemplate });
    expect(byDuration.jobs[0]!.leastTimeMs).toBe(300_000);
  });

  it('plans delete jobs by their list requests only', async () => {
    const config = `jobs:
  - name: remove
    jobType: delete
    qps: 1
    burst: 1
    objects:
      - {kind: Deployment, labelSelector: {app: a}}
      - {kind: Service, labelSelector: {app: a}}
`;
    const plan = await planOf({ 'config.yaml': config });
    expect(plan.jobs[0]).toMatchObject({ jobType: 'delete', requests: 2, requestsExact: false, leastTimeMs: 1000, totalObjects: 0, namespaces: [] });
  });

  it('renders every replica of the first iteration and names the template line of a bad object', async () => {
    const noKind = 'apiVersion: v1\nmetadata:\n  name: x-{{.Replica}}\n';
    const noName = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n';
    const config = `jobs:
  - name: broken
    namespace: b
    objects:
      - objectTemplate: no-kind.yaml
      - objectTemplate: pod.yaml
      - objectTemplate: no-name.yaml
        replicas: 3
`;
    const problems = await problemsOf(planOf({ 'config.yaml': config, 'no-kind.yaml': noKind, 'pod.yaml': podTemplate, 'no-name.yaml': noName }));
    expect(problems).toEqual([
      expect.stringMatching(/no-kind\.yaml:1:1: rendered object of job "broken" object 1, iteration 0, replica 1 has no kind \(every object needs apiVersion, kind and metadata\.name\)$/),
      expect.stringMatching(/no-name\.yaml:1:1: rendered object of job "broken" object 3, iteration 0, replica 1 has no metadata\.name \(or generateName\) \(every object needs apiVersion, kind and metadata\.name\)$/),
    ]);
  });

  it('prints a plan with the figures', async () => {
    const plan = await planOf({ 'config.yaml': seedJob(10, 2, 1, 10), 'deployment.yaml': deployment });
    expect(formatPlan(plan)).toBe(`config.yaml: valid, 1 job (uuid test-uuid)

job "create-deployments" (create): 10 iterations, qps 1, burst 10
  namespaces: 10: kube-burner-test-0, kube-burner-test-1, ..., kube-burner-test-9
  object 1: deployment.yaml Deployment, 2 per iteration: 20 objects, 20 pods
    template: ${plan.jobs[0]!.objects[0]!.templateFile} (found in the working directory)
    rendered and checked: iteration 0, 2, 4, 6, 9 x replica 1, 2
  objects: 2 per iteration, 20 in total; 20 pods
  least time: 10s for 20 requests, plus waiting for objects at the end (waitWhenFinished)

total: 20 objects in 10 namespaces, 20 requests; least time 10s plus waits

checked offline: the config; every object template rendered for its first and last iteration and three between
  (and first, middle, last replica); apiVersion and kind of built-in kinds; object names and generateName per kind
needs a cluster: RBAC, quotas, admission webhooks, CRDs installed, what the nodes can run
`);
  });
});

describe('planRun with the template engine', () => {
  const job = (objects: string, extra = '') => `global:
  functionTemplates: [funcs.tpl]
jobs:
  - name: t
    namespace: t
${extra}    objects:
${objects}`;
  const funcs = '{{- define "labels" }}    app: {{ .name }}{{ end -}}\n';

  it('renders inputVars, function templates and Handlebars templates', async () => {
    const goTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .JobName }}-{{ .Iteration }}-{{ .Replica }}
  labels:
{{ template "labels" (dict "name" .app) }}
data:
  size: "{{ mul .size 2 }}"
`;
    const hbsTemplate = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{JobName}}-{{Iteration}}-{{Replica}}\n';
    const plan = await planOf({
      'config.yaml': job('      - {objectTemplate: cm.yaml, replicas: 2, inputVars: {app: web, size: 3}}\n      - {objectTemplate: secret.hbs}\n'),
      'funcs.tpl': funcs,
      'cm.yaml': goTemplate,
      'secret.hbs': hbsTemplate,
    });
    expect(plan.jobs[0]!.objects.map((o) => o.kinds)).toEqual([['ConfigMap'], ['Secret']]);
  });

  it('names the template file, line and column of a template error, with the job and object', async () => {
    const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-{{ .Replica }\n';
    const problems = await problemsOf(planOf({ 'config.yaml': job('      - objectTemplate: broken.yaml\n'), 'funcs.tpl': funcs, 'broken.yaml': broken }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/broken\.yaml:4:\d+: .*\(template of job "t" object 1\)/);
  });

  it('fails on a missing template variable unless the job sets defaultMissingKeysWithZero', async () => {
    const template = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-{{ .Replica }}\ndata:\n  color: "{{ .color }}"\n';
    const files = { 'funcs.tpl': funcs, 'cm.yaml': template };
    const problems = await problemsOf(planOf({ ...files, 'config.yaml': job('      - objectTemplate: cm.yaml\n') }));
    expect(problems).toEqual([expect.stringMatching(/cm\.yaml:6:\d+: .*color.*\(template of job "t" object 1, iteration 0, replica 1\)/)]);
    const plan = await planOf({ ...files, 'config.yaml': job('      - objectTemplate: cm.yaml\n', '    defaultMissingKeysWithZero: true\n') });
    expect(plan.jobs[0]!.totalObjects).toBe(1);
  });

  it('points at the template line when the rendered YAML is broken, even after lines the template removed', async () => {
    const template = `apiVersion: v1
kind: ConfigMap
{{- if eq .Replica 99 }}
extra: 1
{{- end }}
metadata:
  name: x-{{ .Replica }}
data:
  bad: [unclosed
`;
    const problems = await problemsOf(planOf({ 'config.yaml': job('      - objectTemplate: cm.yaml\n'), 'funcs.tpl': funcs, 'cm.yaml': template }));
    // the parser notices at the end of the text: the rendered line maps back past the removed block
    expect(problems).toEqual([expect.stringMatching(/cm\.yaml:10:1: rendered template of job "t" object 1, iteration 0, replica 1 is not valid YAML: Flow sequence .* must be sufficiently indented and end with a \] \(/)]);
  });
});
