import { describe, expect, it } from 'vitest';
import { load, podTemplate, project } from './helpers.js';
import { loadConfig } from '../../src/config/index.js';
import { join } from 'node:path';

/** A kube-burner v2 config that sets every key of its surface. */
const everyKey = `
metricsEndpoints:
  - endpoint: http://prometheus.example:9090
    token: secret-token
    username: admin
    password: hunter2
    step: 1m
    skipTLSVerify: false
    alias: main
    metrics: [metrics.yml]
    alerts: [alerts.yml]
    indexer:
      type: local
      metricsDirectory: collected-metrics
global:
  measurements:
    - name: podLatency
      thresholds:
        - {conditionType: Ready, metric: P99, threshold: 5s}
  requestTimeout: 30s
  gc: true
  gcMetrics: true
  waitWhenFinished: false
  clusterHealth: true
  timeout: 2h
  functionTemplates: [envs.tpl]
  deletionStrategy: gvr
jobs:
  - name: create-all
    jobType: create
    jobIterations: 3
    qps: 50
    burst: 100
    namespace: all-keys
    namespacedIterations: true
    iterationsPerNamespace: 2
    namespaceDelay: 1s
    preCreateNamespaces: true
    namespaceLabels: {team: perf}
    namespaceAnnotations: {note: "x"}
    cleanup: false
    podWait: true
    waitWhenFinished: false
    maxWaitTimeout: 10m
    waitForDeletion: false
    verifyObjects: false
    errorOnVerify: false
    preLoadImages: false
    preLoadPeriod: 30s
    preLoadNodeLabels: {node-role.kubernetes.io/worker: ""}
    jobIterationDelay: 2s
    jobPause: 5s
    objectDelay: 100ms
    objectWait: true
    # kube-burner v2 has no job key beforeCleanup: it is a hook stage
    churnConfig: {cycles: 2, percent: 25, duration: 10m, delay: 30s, deleteDelay: 5s, mode: objects}
    skipIndexing: true
    defaultMissingKeysWithZero: true
    executionMode: sequential
    metricsAggregate: false
    metricsClosing: afterJob
    gc: false
    measurements: [{name: jobLatency, thresholds: [{conditionType: Complete, threshold: 10s}]}]
    watchers: [{kind: Pod, apiVersion: v1, labelSelector: {app: x}, replicas: 2}]
    hooks: [{cmd: ["echo", "hi"], when: beforeJobExecution}]
    # incrementalLoad: in the job incremental-all (kube-burner crashes with it and churnConfig together)
    objects:
      - objectTemplate: pod.yaml
        replicas: 4
        inputVars: {size: 3, name: web}
        wait: false
        waitOptions:
          apiVersion: v1
          kind: Pod
          labelSelector: {app: web}
          customStatusPaths: [{key: '.phase', value: Running}]
        runOnce: true
        churn: false
        repeatEveryNIterations: 2
        templateEngine: go
  - name: patch-all
    jobType: patch
    objects:
      - objectTemplate: patch.hbs
        kind: Deployment
        apiVersion: apps/v1
        labelSelector: {app: web}
        patchType: application/merge-patch+json
  - name: incremental-all
    namespace: incremental
    incrementalLoad:
      startIterations: 2
      totalIterations: 6
      stepDelay: 1m
      pattern: {type: exponential, linear: {minSteps: 2, stepSize: 1}, exponential: {base: 1.5, maxIncrease: 4, warmupSteps: 1}}
      healthCheckScript: ./health.sh --quick
    objects:
      - objectTemplate: pod.yaml
        group: {id: 2, gc: true, pauseBeforeGC: 1s, pauseAfterGC: 2s}
`;

const files = {
  'config.yaml': everyKey,
  'pod.yaml': podTemplate,
  'patch.hbs': 'metadata:\n  labels:\n    patched: "true"\n',
  'metrics.yml': '- query: up\n  metricName: up\n',
  'alerts.yml': '- expr: up == 0\n  description: down\n  severity: error\n',
  'envs.tpl': '{{- define "x" -}}x{{- end -}}',
  'health.sh': 'exit 0\n',
};

describe('loadConfig', () => {
  it('loads a kube-burner config that sets every key, keeping each value', async () => {
    const config = await load(files);
    const dir = config.dir;
    expect(config.metricsEndpoints).toEqual([
      {
        endpoint: 'http://prometheus.example:9090',
        token: 'secret-token',
        username: 'admin',
        password: 'hunter2',
        stepMs: 60_000,
        skipTLSVerify: false,
        alias: 'main',
        metrics: [join(dir, 'metrics.yml')],
        alerts: [join(dir, 'alerts.yml')],
        indexer: { type: 'local', metricsDirectory: 'collected-metrics', createTarball: false, tarballName: 'kube-burner-metrics.tgz' },
      },
    ]);
    expect(config.global).toEqual({
      uuid: 'test-uuid',
      runId: 'test-run',
      measurements: [{ name: 'podLatency', options: { thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 5000 }], excludeImagePulls: true } }],
      requestTimeoutMs: 30_000,
      gc: true,
      gcMetrics: true,
      waitWhenFinished: false,
      clusterHealth: true,
      timeoutMs: 7_200_000,
      functionTemplates: [join(dir, 'envs.tpl')],
      deletionStrategy: 'gvr',
    });
    const [create, patch, incremental] = config.jobs;
    expect(incremental).toMatchObject({
      incrementalLoad: {
        startIterations: 2,
        totalIterations: 6,
        stepDelayMs: 60_000,
        pattern: { type: 'exponential', linear: { minSteps: 2, stepSize: 1 }, exponential: { base: 1.5, maxIncrease: 4, warmupSteps: 1 } },
        healthCheckScript: `${join(config.dir, 'health.sh')} --quick`,
      },
    });
    expect(incremental!.objects[0]!.group).toEqual({ id: 2, gc: true, pauseBeforeGCMs: 1000, pauseAfterGCMs: 2000 });
    expect(create).toMatchObject({
      name: 'create-all',
      jobType: 'create',
      jobIterations: 3,
      qps: 50,
      burst: 100,
      namespace: 'all-keys',
      iterationsPerNamespace: 2,
      namespaceDelayMs: 1000,
      preCreateNamespaces: true,
      namespaceLabels: { team: 'perf' },
      namespaceAnnotations: { note: 'x' },
      cleanup: false,
      podWait: true,
      waitWhenFinished: false,
      maxWaitTimeoutMs: 600_000,
      waitForDeletion: false,
      verifyObjects: false,
      errorOnVerify: false,
      preLoadImages: false,
      preLoadPeriodMs: 30_000,
      preLoadNodeLabels: { 'node-role.kubernetes.io/worker': '' },
      jobIterationDelayMs: 2000,
      jobPauseMs: 5000,
      objectDelayMs: 100,
      objectWait: true,
      churnConfig: { enabled: true, cycles: 2, percent: 25, durationMs: 600_000, delayMs: 30_000, deleteDelayMs: 5000, mode: 'objects' },
      skipIndexing: true,
      defaultMissingKeysWithZero: true,
      executionMode: 'sequential',
      metricsAggregate: false,
      metricsClosing: 'afterJob',
      gc: false,
      measurements: [{ name: 'jobLatency', options: { thresholds: [{ conditionType: 'Complete', metric: 'P99', thresholdMs: 10_000 }] } }],
      watchers: [{ kind: 'Pod', apiVersion: 'v1', labelSelector: { app: 'x' }, replicas: 2 }],
      hooks: [{ cmd: ['echo', 'hi'], when: 'beforeJobExecution' }],
      incrementalLoad: null,
    });
    expect(create!.objects[0]).toMatchObject({
      objectTemplate: join(dir, 'pod.yaml'),
      objectTemplateAsWritten: 'pod.yaml',
      objectTemplateFoundIn: 'working directory',
      templateEngine: 'go',
      replicas: 4,
      inputVars: { size: 3, name: 'web' },
      wait: false,
      waitOptions: { apiVersion: 'v1', kind: 'Pod', labelSelector: { app: 'web' }, customStatusPaths: [{ key: '.phase', value: 'Running' }] },
      runOnce: true,
      churn: false,
      repeatEveryNIterations: 2,
    });
    expect(patch!.objects[0]).toMatchObject({
      objectTemplate: join(dir, 'patch.hbs'),
      templateEngine: 'handlebars',
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      labelSelector: { app: 'web' },
      patchType: 'application/merge-patch+json',
    });
    // kube-burner ignores these two for create jobs; burn too, and says so
    expect(config.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^executionMode of job "create-all" has no effect/), expect.stringMatching(/^objectWait of job "create-all" has no effect/)]);
  });

  it("applies kube-burner's defaults to a minimal config", async () => {
    const config = await load({ 'config.yaml': 'jobs:\n  - name: minimal\n    namespace: m\n    objects:\n      - objectTemplate: pod.yaml\n', 'pod.yaml': podTemplate });
    expect(config.metricsEndpoints).toEqual([]);
    expect(config.global).toMatchObject({ measurements: [], requestTimeoutMs: 60_000, gc: false, gcMetrics: false, waitWhenFinished: false, clusterHealth: false, timeoutMs: 4 * 3_600_000, functionTemplates: [], deletionStrategy: 'default' });
    expect(config.jobs[0]).toMatchObject({
      jobType: 'create',
      jobIterations: 1,
      qps: 5,
      burst: 10,
      namespacedIterations: true,
      iterationsPerNamespace: 1,
      cleanup: true,
      podWait: false,
      waitWhenFinished: true,
      maxWaitTimeoutMs: 4 * 3_600_000,
      waitForDeletion: true,
      verifyObjects: true,
      errorOnVerify: true,
      preLoadImages: true,
      preLoadPeriodMs: 600_000,
      jobIterationDelayMs: 0,
      jobPauseMs: 0,
      churnConfig: { enabled: false, mode: 'namespaces' },
      executionMode: 'parallel',
      metricsClosing: 'afterJobPause',
      gc: false,
    });
    expect(config.jobs[0]!.objects[0]).toMatchObject({ replicas: 1, wait: true, churn: true, runOnce: false, repeatEveryNIterations: 1, templateEngine: 'go', inputVars: {} });
  });

  it('treats qps and burst of 0 or less as 5 and 10, as kube-burner does', async () => {
    const config = await load({ 'config.yaml': 'jobs:\n  - name: j\n    namespace: n\n    qps: 0\n    burst: -1\n    objects: [{objectTemplate: pod.yaml}]\n', 'pod.yaml': podTemplate });
    expect(config.jobs[0]).toMatchObject({ qps: 5, burst: 10 });
  });

  it('forces what kube-burner forces on delete jobs and under global waitWhenFinished', async () => {
    const config = await load({
      'config.yaml': `global: {waitWhenFinished: true}
jobs:
  - name: make
    namespace: n
    podWait: true
    objects: [{objectTemplate: pod.yaml}]
  - name: remove
    jobType: delete
    jobIterations: 5
    objects: [{kind: Pod, labelSelector: {app: x}}]
`,
      'pod.yaml': podTemplate,
    });
    expect(config.jobs[0]).toMatchObject({ podWait: false, waitWhenFinished: false });
    expect(config.jobs[1]).toMatchObject({ jobIterations: 1, waitWhenFinished: false, executionMode: 'sequential', preLoadImages: false });
  });

  it('records where every key is, for later messages', async () => {
    const config = await load(files);
    expect(config.source.describe('jobs.0.qps')).toBe('config.yaml:32:10');
    expect(config.source.describe(['jobs', 1, 'objects', 0])).toBe('config.yaml:84:9');
    expect(config.jobs[1]!.pos).toEqual({ file: 'config.yaml', line: 81, col: 5 });
    expect(config.jobs[0]!.objects[0]!.pos).toEqual({ file: 'config.yaml', line: 68, col: 9 });
    // a path with no position of its own falls back to its closest ancestor
    expect(config.source.describe('jobs.0.objects.0.nothing')).toBe('config.yaml:68:9');
  });

  it('accepts http(s) URLs for object templates without fetching them', async () => {
    const config = await load({ 'config.yaml': 'jobs:\n  - name: remote\n    namespace: r\n    objects:\n      - objectTemplate: https://example.com/templates/pod.yaml\n' });
    expect(config.jobs[0]!.objects[0]!.objectTemplate).toBe('https://example.com/templates/pod.yaml');
  });

  it('finds templates in the working directory first, as kube-burner does, then next to the config', async () => {
    const config = 'jobs:\n  - name: j\n    namespace: n\n    objects: [{objectTemplate: workloads/pod.yaml}]\n';
    const both = project({ 'configs/config.yaml': config, 'workloads/pod.yaml': podTemplate, 'configs/workloads/pod.yaml': podTemplate });
    const fromCwd = (await loadConfig('configs/config.yaml', { uuid: 'u', env: {}, cwd: both })).jobs[0]!.objects[0]!;
    expect(fromCwd).toMatchObject({ objectTemplate: join(both, 'workloads/pod.yaml'), objectTemplateFoundIn: 'working directory' });

    const besideOnly = project({ 'configs/config.yaml': config, 'configs/workloads/pod.yaml': podTemplate });
    const fromConfigDir = (await loadConfig('configs/config.yaml', { uuid: 'u', env: {}, cwd: besideOnly })).jobs[0]!.objects[0]!;
    expect(fromConfigDir).toMatchObject({ objectTemplate: join(besideOnly, 'configs/workloads/pod.yaml'), objectTemplateFoundIn: "config's folder" });
  });
});

describe('rendering the config file', () => {
  const templated = `jobs:
  - name: {{.JOB_NAME}}
    namespace: ns-{{.UUID}}
    jobIterations: {{.ITERATIONS}}
    objects:
      - objectTemplate: pod.yaml
        inputVars: {run: "{{.RunID}}"}
`;

  it('uses environment variables, .UUID and .RunID', async () => {
    const config = await load({ 'config.yaml': templated, 'pod.yaml': podTemplate }, { env: { JOB_NAME: 'from-env', ITERATIONS: '7' }, uuid: 'abc' });
    expect(config.jobs[0]).toMatchObject({ name: 'from-env', namespace: 'ns-abc', jobIterations: 7 });
    expect(config.jobs[0]!.objects[0]!.inputVars).toEqual({ run: 'test-run' });
  });

  it('takes --user-data (YAML or JSON) over the environment, as kube-burner does', async () => {
    const dir = project({ 'config.yaml': templated, 'pod.yaml': podTemplate, 'data.yaml': 'JOB_NAME: from-yaml\nITERATIONS: 3\n', 'data.json': '{"JOB_NAME": "from-json", "ITERATIONS": 4}' });
    const env = { JOB_NAME: 'from-env', ITERATIONS: '7' };
    const fromYaml = await loadConfig('config.yaml', { uuid: 'u', env, cwd: dir, userData: 'data.yaml' });
    expect(fromYaml.jobs[0]).toMatchObject({ name: 'from-yaml', jobIterations: 3 });
    const fromJson = await loadConfig('config.yaml', { uuid: 'u', env, cwd: dir, userData: 'data.json' });
    expect(fromJson.jobs[0]).toMatchObject({ name: 'from-json', jobIterations: 4 });
  });

  it('fails on a variable nobody set, unless allowMissing', async () => {
    const files = { 'config.yaml': 'jobs:\n  - name: j\n    namespace: n\n    hooks: [{cmd: ["{{.HOOK}}"], when: afterGC}]\n    objects: [{objectTemplate: pod.yaml}]\n', 'pod.yaml': podTemplate };
    await expect(load(files)).rejects.toThrow(/^config\.yaml:4:\d+: .*HOOK/);
    const config = await load(files, { allowMissing: true });
    expect(config.jobs[0]!.hooks[0]!.cmd).toEqual(['<no value>']); // what Go's missingkey=zero prints, as in kube-burner
  });

  it('points at the line of the file even when rendering removed lines', async () => {
    const config = `{{- if .EXTRA }}
metricsEndpoints:
  - endpoint: http://x:9090
{{- end }}
jobs:
  - name: j
    namespace: n
    qsp: 5
    objects: [{objectTemplate: pod.yaml}]
`;
    await expect(load({ 'config.yaml': config, 'pod.yaml': podTemplate }, { env: { EXTRA: '' } })).rejects.toThrow(/config\.yaml:8:5: unknown key "qsp"/);
  });
});

describe('--set', () => {
  const base = { 'config.yaml': 'global:\n  gc: false\njobs:\n  - name: j\n    namespace: n\n    qps: 10\n    objects:\n      - objectTemplate: pod.yaml\n        replicas: 1\n', 'pod.yaml': podTemplate };

  it('overrides values after parsing: dotted paths, list indices, YAML scalars', async () => {
    const config = await load(base, { set: ['jobs.0.qps=50,jobs.0.burst=60', 'global.gc=true', 'jobs.0.objects.0.replicas=3', 'jobs.0.maxWaitTimeout=90s', 'jobs.0.namespaceAnnotations.note=a.sh,b'] });
    expect(config.jobs[0]).toMatchObject({ qps: 50, burst: 60, maxWaitTimeoutMs: 90_000, namespaceAnnotations: { note: 'a.sh,b' } });
    expect(config.jobs[0]!.objects[0]!.replicas).toBe(3);
    expect(config.global.gc).toBe(true);
  });

  it('creates missing mappings on the way', async () => {
    const config = await load(base, { set: ['jobs.0.churnConfig.cycles=2'] });
    expect(config.jobs[0]!.churnConfig).toMatchObject({ enabled: true, cycles: 2, percent: 10 });
  });
});
