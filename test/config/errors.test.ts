import { describe, expect, it } from 'vitest';
import { load, podTemplate, problemsOf } from './helpers.js';
import { ConfigError } from '../../src/config/diagnostics.js';
import { UserError } from '../../src/shared/errors.js';

describe('config errors', () => {
  it('reports every problem at once, each with file:line:col and its fix', async () => {
    const config = `global:
  requestTimout: 30s
  timeout: 60
  deletionStrategy: everything
jobs:
  - name: Bad_Name
    jobIteration: 5
    qps: fast
    burst: 1.5
    namespace: ok
    maxWaitTimeout: 10 minutes
    podWait: maybe
    objects:
      - objectTemplate: missing.yaml
        replicas: "2"
  - name: dup
    namespace: d
    objects: [{objectTemplate: pod.yaml}]
  - name: dup
    jobType: remove
    objects: [{objectTemplate: pod.yaml}]
`;
    expect(await problemsOf(load({ 'config.yaml': config, 'pod.yaml': podTemplate }))).toEqual([
      'config.yaml:2:3: unknown key "requestTimout" in global (did you mean "requestTimeout"?)',
      'config.yaml:3:12: "timeout" of global must be a duration with a unit, got number 60 (write "60s" for 60 seconds; units: ms, s, m, h)',
      'config.yaml:4:21: "deletionStrategy" of global is "everything"; it must be one of default, gvr',
      'config.yaml:6:11: job name "Bad_Name" is not a valid DNS-1123 name (use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit)',
      'config.yaml:7:5: unknown key "jobIteration" in job "Bad_Name" (did you mean "jobIterations"?)',
      'config.yaml:8:10: "qps" of job "Bad_Name" must be a number, got the text "fast"',
      'config.yaml:9:12: "burst" of job "Bad_Name" must be a whole number, got number 1.5',
      'config.yaml:11:21: "maxWaitTimeout" of job "Bad_Name" must be a duration like "30s", "1m30s" or "4h", got the text "10 minutes" (units: ns, us, ms, s, m, h)',
      'config.yaml:12:14: "podWait" of job "Bad_Name" must be true or false, got the text "maybe"',
      expect.stringMatching(/^config\.yaml:14:25: objectTemplate "missing\.yaml" not found \(looked at .*missing\.yaml\) \(relative paths are looked for in the working directory, then in the config file's folder\)$/),
      'config.yaml:15:19: "replicas" of object 1 of job "Bad_Name" must be a whole number, got the text "2" (remove the quotes: 2)',
      'config.yaml:19:11: job name "dup" is used twice (first at config.yaml:16:11) (job names must be unique: rename one)',
      'config.yaml:20:14: "jobType" of job "dup" is "remove"; it must be one of create, delete, read, patch, traffic',
    ]);
  });

  it('is a UserError whose message lists the problems under the file name', async () => {
    const err = await load({ 'config.yaml': 'jobs:\n  - name: a\n    qsp: 1\n    brust: 2\n    objects: [{objectTemplate: https://x.example/p.yaml}]\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      'config.yaml: 2 problems:\n  config.yaml:3:5: unknown key "qsp" in job "a" (did you mean "qps"?)\n  config.yaml:4:5: unknown key "brust" in job "a" (did you mean "burst"?)',
    );
  });

  it('names renamed kube-burner keys by their v2 name', async () => {
    const problems = await problemsOf(load({ 'config.yaml': 'metricsEndpoints:\n  - prometheusURL: http://p:9090\njobs:\n  - name: a\n    namespace: a\n    churnPercent: 10\n    objects: [{objectTemplate: pod.yaml}]\n', 'pod.yaml': podTemplate }));
    expect(problems).toEqual([
      'config.yaml:2:5: unknown key "prometheusURL" in metrics endpoint 1 (kube-burner v2 calls it endpoint (metricsEndpoints[].endpoint))',
      'config.yaml:6:5: unknown key "churnPercent" in job "a" (kube-burner v2 calls it churnConfig.percent)',
    ]);
  });

  it('checks what delete, read and patch jobs need', async () => {
    const config = `jobs:
  - name: del
    jobType: delete
    objects:
      - kind: Deployment
  - name: rd
    jobType: read
    objects:
      - labelSelector: {app: x}
  - name: pt
    jobType: patch
    objects:
      - kind: Deployment
        labelSelector: {app: x}
        objectTemplate: patch.yaml
      - kind: Deployment
        labelSelector: {app: x}
        objectTemplate: patch.yaml
        patchType: replace
  - name: kv
    jobType: kubevirt
    objects: [{kind: VirtualMachine, labelSelector: {a: b}}]
`;
    expect(await problemsOf(load({ 'config.yaml': config, 'patch.yaml': 'metadata: {labels: {a: b}}\n' }))).toEqual([
      'config.yaml:5:9: object 1 of job "del" has no labelSelector; a delete job without one would act on every Deployment of the cluster (add labelSelector: {kube-burner.io/job: <job>})',
      'config.yaml:9:9: object 1 of job "rd" has no kind; a read job selects objects by kind and labelSelector (add kind: Deployment (or another kind))',
      'config.yaml:13:9: object 1 of job "pt" has no patchType (add patchType: merge-patch (or json-patch, strategic-merge-patch, apply-patch+yaml))',
      'config.yaml:19:20: patchType "replace" of object 2 of job "pt" is not a patch type (use one of json-patch, merge-patch, strategic-merge-patch, apply-patch+yaml (or their application/... forms))',
      'config.yaml:21:14: jobType "kubevirt" of job "kv" drives KubeVirt virtual machines: burn does not support KubeVirt or CDI (run this job with kube-burner; burn\'s job types are create, delete, read, patch, traffic)',
    ]);
  });

  it('checks churn settings', async () => {
    const config = `jobs:
  - name: c
    namespace: c
    churnConfig: {cycles: 2, percent: 150, mode: pods}
    objects: [{objectTemplate: pod.yaml}]
  - name: d
    jobType: delete
    churnConfig: {duration: 1m}
    objects: [{kind: Pod, labelSelector: {a: b}}]
  - name: e
    namespace: e
    namespacedIterations: false
    churnConfig: {duration: 1m}
    objects: [{objectTemplate: pod.yaml}]
`;
    expect(await problemsOf(load({ 'config.yaml': config, 'pod.yaml': podTemplate }))).toEqual([
      'config.yaml:4:50: "mode" of churnConfig of job "c" is "pods"; it must be one of namespaces, objects',
      'config.yaml:4:39: percent of churnConfig of job "c" is 150; it must be between 1 and 100',
      'config.yaml:8:18: churn is only supported for create jobs; job "d" is a delete job (remove churnConfig or make it a create job)',
      'config.yaml:13:18: churn mode "namespaces" needs namespacedIterations: true in job "e" (set churnConfig.mode: objects, or namespacedIterations: true)',
    ].sort(byPosition));
  });

  it('rejects jobs without objects or iterations, and gc with global waitWhenFinished', async () => {
    const config = `global: {waitWhenFinished: true}
jobs:
  - name: empty
    namespace: e
    objects: []
  - name: zero
    namespace: z
    jobIterations: 0
    gc: true
    objects: [{objectTemplate: pod.yaml}]
  - name: notemplate
    namespace: n
    objects: [{replicas: 2}]
`;
    expect(await problemsOf(load({ 'config.yaml': config, 'pod.yaml': podTemplate }))).toEqual([
      'config.yaml:3:5: job "empty" has no objects (add objects: [{objectTemplate: <file>, replicas: 1}])',
      'config.yaml:8:20: jobIterations of job "zero" is 0; a create job needs at least 1',
      'config.yaml:9:9: gc of job "zero" and global waitWhenFinished cannot both be enabled (kube-burner refuses this too: turn one of them off)',
      'config.yaml:13:15: object 1 of job "notemplate" has no objectTemplate (add objectTemplate: <file>.yaml (relative to the working directory or the config file\'s folder))',
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const problems = await problemsOf(load({ 'config.yaml': 'jobs:\n  - name: a\n\tnamespace: x\n' }));
    expect(problems[0]).toMatch(/^config\.yaml:3:1: YAML: .*\(indent with spaces, not tabs\)$/);
  });

  it('reports a config that is not a mapping or has no jobs', async () => {
    expect(await problemsOf(load({ 'config.yaml': '- a\n- b\n' }))).toEqual(['config.yaml:1:1: the config must be a mapping with "jobs" (and optionally "global", "metricsEndpoints")']);
    expect(await problemsOf(load({ 'config.yaml': 'global: {gc: true}\n' }))).toEqual(['config.yaml:1:1: the config has no "jobs" (add a jobs: list with at least one job)']);
  });

  it('takes a config without jobs when asked to (burn measure, as kube-burner measure reads only measurements and metricsEndpoints)', async () => {
    const config = await load({ 'config.yaml': 'metricsEndpoints:\n  - indexer: {type: local}\nglobal:\n  measurements: [{name: podLatency}]\n' }, { requireJobs: false });
    expect(config.jobs).toEqual([]);
    expect(config.global.measurements.map((m) => m.name)).toEqual(['podLatency']);
    expect(config.metricsEndpoints).toHaveLength(1);
  });

  it('names the --set flag for values it set', async () => {
    const base = { 'config.yaml': 'jobs:\n  - name: j\n    namespace: n\n    objects: [{objectTemplate: pod.yaml}]\n', 'pod.yaml': podTemplate };
    expect(await problemsOf(load(base, { set: ['jobs.0.qps=abc', 'jobs.3.qps=1', 'jobs.0.bogus=1', 'novalue'] }))).toEqual([
      '--set novalue: "novalue" is not key=value (write --set jobs.0.qps=50 (dots between keys, numbers index lists))',
      '--set jobs.3.qps=1: jobs is a list of 1 item(s); "3" is not an index in it (use 0 to 0)',
      '--set jobs.0.qps=abc: "qps" of job "j" must be a number, got the text "abc"',
      expect.stringMatching(/^--set jobs\.0\.bogus=1: unknown key "bogus" in job "j" \(known keys: name, jobType, qps, burst, .*, objects\)$/),
    ]);
  });

  it('says where a missing config variable can come from', async () => {
    const err = await load({ 'config.yaml': 'jobs:\n  - name: j\n    jobIterations: {{ .ITERATIONS }}\n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^config\.yaml:3:\d+: .*ITERATIONS/);
    expect((err as UserError).hint).toBe('config variables come from the environment, --user-data and .UUID/.RunID: set ITERATIONS, write {{ index . "ITERATIONS" | default <value> }} for an optional one, or pass --allow-missing');
  });

  it('keeps problems that do not stop a run as warnings', async () => {
    const long = 'n'.repeat(70);
    const config = await load({ 'config.yaml': `jobs:\n  - name: w\n    namespace: ${long}\n    churnConfig: {percent: 20}\n    objects: [{objectTemplate: pod.yaml}]\n`, 'pod.yaml': podTemplate });
    expect(config.jobs[0]!.namespace).toBe('n'.repeat(57));
    expect(config.warnings.map((w) => `${w.pos.line}:${w.pos.col}: ${w.message}`)).toEqual([
      `3:16: namespace "${long}" is longer than 62 characters; it is cut to 57 as kube-burner does`,
      '4:18: churnConfig of job "w" has neither cycles nor duration, so no churn happens',
    ]);
  });

  it('reports a missing config or user data file as a user error', async () => {
    await expect(load({}, {})).rejects.toThrow('config.yaml: not found');
    await expect(load({ 'config.yaml': 'jobs: []\n' }, { userData: 'nope.yaml' })).rejects.toThrow('nope.yaml: not found');
    await expect(load({ 'config.yaml': 'jobs: []\n', 'data.yaml': '- 1\n' }, { userData: 'data.yaml' })).rejects.toThrow('data.yaml:1:1: user data must be a mapping');
  });
});

function byPosition(a: string, b: string): number {
  const pa = a.match(/:(\d+):(\d+):/)!;
  const pb = b.match(/:(\d+):(\d+):/)!;
  return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
}
