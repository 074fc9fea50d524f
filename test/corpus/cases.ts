/**
 * The bad-input corpus: each case is a small fixture (files written into a fresh folder), the burn
 * command line, the exit code it must end with and a pattern its message must contain (the file:line
 * or the flag at fault). corpus.test.ts runs them through the real CLI.
 *
 * In args and files, {{SIM_KUBECONFIG}} is the kubeconfig of the simulator the test serves and
 * {{HTTP}} the base URL of a 127.0.0.1 server answering 404 to everything, {{CLOSED}} one where nothing listens.
 */

import { podTemplate } from '../config/helpers.js';

export interface Case {
  name: string;
  files: Record<string, string>;
  args: string[];
  exit: number;
  /** What the message must contain: the file:line, the flag, and the point. */
  message: RegExp;
  /** Run as its own `node bin/burn.js` process rather than in the shared runner. */
  spawn?: boolean;
  /** Make these files unreadable before the run. */
  unreadable?: string[];
  /** Symbolic links to create: link path -> target. */
  symlinks?: Record<string, string>;
}


/** A one-job config: `job` lines go into the job (indented for it), `object` lines into its one object. */
function config(job: string[] = [], object: string[] = [], template = 'pod.yaml'): string {
  return ['jobs:', '  - name: j', '    namespace: corpus', ...job.map((l) => `    ${l}`), '    objects:', `      - objectTemplate: ${template}`, '        replicas: 1', ...object.map((l) => `        ${l}`), ''].join('\n');
}

/** A config whose object template is `text` (t.yaml). */
function withTemplate(text: string, job: string[] = []): Record<string, string> {
  return { 'c.yaml': config(job, [], 't.yaml'), 't.yaml': text };
}

function object(kind: string, apiVersion: string, metadata: string): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n${metadata}\n`;
}

const aliasBomb = (indent: string) =>
  ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    .map((name, i, names) => `${indent}${name}: &${name} [${i === 0 ? Array(10).fill('"x"').join(',') : Array(10).fill(`*${names[i - 1]}`).join(',')}]`)
    .join('\n');

const nested = (depth: number, open: string, close: string, middle: string) => `${open.repeat(depth)}${middle}${close.repeat(depth)}`;

/** A metricsEndpoints list with one indexer-only entry, its indexer's keys given one per line (first key on line 3). */
function indexerConfig(...keys: string[]): string {
  return ['metricsEndpoints:', '  - indexer:', ...keys.map((k) => `      ${k}`), ''].join('\n');
}

/** A one-job traffic config: `traffic` lines go under `traffic:` (indented for it; first on line 5). */
function trafficConfig(traffic: string[]): string {
  return ['jobs:', '  - name: t', '    jobType: traffic', '    traffic:', ...traffic.map((l) => `    ${l}`), ''].join('\n');
}

/** A minimal run folder's run.json (what history and diff read of it): started `start`, with --user-metadata `metadata`. */
function runJson(uuid: string, start: string, metadata: Record<string, string>): string {
  return JSON.stringify({ uuid, start, configFile: 'c.yaml', configDigest: 'd'.repeat(64), cluster: { target: 'sim', k8sVersion: 'v1.34.0', totalNodes: 3 }, metadata });
}

/** A store `r/` of three 1.33 runs and a 1.34 candidate `cand/`, all on platform eks. */
const historyStore: Record<string, string> = {
  ...Object.fromEntries([1, 2, 3].map((i) => [`r/n${i}/run.json`, runJson(`n${i}`, `2026-11-0${i}T00:00:00Z`, { platform: 'eks', release: '1.33' })])),
  'cand/run.json': runJson('cand', '2026-11-09T00:00:00Z', { platform: 'eks', release: '1.34' }),
};

const validate = ['validate', '-c', 'c.yaml'];
const basic = { 'c.yaml': config(), 'pod.yaml': podTemplate };

export const cases: Case[] = [
  // ---- configs: YAML
  { name: 'config alias bomb', files: { 'c.yaml': `${aliasBomb('')}\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: YAML: aliases expand to more than 100,000 nodes/ },
  { name: 'config alias bomb used by inputVars', files: { 'c.yaml': `${aliasBomb('')}\n${config([], ['inputVars: {x: *g}'])}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:\d+:\d+: YAML: aliases expand/ },
  { name: 'config alias without anchor', files: { 'c.yaml': `x: *nowhere\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:1:\d+: .*nowhere/ },
  { name: 'config alias inside its own anchor', files: { 'c.yaml': `x: &a [1, *a]\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:1:\d+: .*(refers to the block that contains it|alias)/ },
  { name: 'config over the size limit', files: { 'c.yaml': `# ${'x'.repeat(17 * 1024 * 1024)}\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:1:1: the config c\.yaml is 17,8\d\d,\d\d\d characters; burn parses YAML of at most 16,777,216/ },
  { name: 'config with a tab indent', files: { 'c.yaml': 'jobs:\n\t- name: j\n', 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:2:\d+: YAML: .*tab/i },
  { name: 'config with a duplicate key', files: { 'c.yaml': config(['qps: 5', 'qps: 6']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: YAML: .*unique/i },
  { name: 'empty config', files: { 'c.yaml': '' }, args: validate, exit: 1, message: /c\.yaml:1:1: the config must be a mapping/ },
  { name: 'config is a list', files: { 'c.yaml': '- a\n- b\n' }, args: validate, exit: 1, message: /c\.yaml:1:1: the config must be a mapping/ },
  { name: 'config without jobs', files: { 'c.yaml': 'global:\n  gc: true\n' }, args: validate, exit: 1, message: /c\.yaml:1:1: the config has no "jobs"/ },
  { name: 'config that is a folder', files: { 'c.yaml/keep': '' }, args: validate, exit: 1, message: /c\.yaml: is a folder/ },
  { name: 'config file missing', files: {}, args: validate, exit: 1, message: /c\.yaml: not found.*\n.*-c\/--config/ },
  // ---- configs: Go template of the config itself
  { name: 'config variable missing', files: { 'c.yaml': config(['jobIterations: {{.ITERATIONS}}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: .*"ITERATIONS"/ },
  { name: 'config template syntax error', files: { 'c.yaml': config(['jobIterations: {{ if }}3{{ end }}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: missing value for if/ },
  { name: 'config template nested 5000 deep', files: { 'c.yaml': `${nested(5000, '{{if true}}', '{{end}}', '')}\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:1:\d+: blocks and parentheses nest more than 1000 deep/ },
  // ---- configs: values
  { name: 'jobIterations 1e12', files: { 'c.yaml': config(['jobIterations: 1000000000000']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: jobIterations of job "j" is 1,000,000,000,000; burn runs at most 10,000,000/ },
  { name: 'jobIterations one over the limit', files: { 'c.yaml': config(['jobIterations: 10000001']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: jobIterations .* at most 10,000,000/ },
  { name: 'jobIterations written 1e400', files: { 'c.yaml': config(['jobIterations: 1e400']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: "jobIterations" of job "j" must be a whole number/ },
  { name: 'jobIterations negative', files: { 'c.yaml': config(['jobIterations: -3']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: jobIterations of job "j" is -3/ },
  { name: 'jobIterations as text', files: { 'c.yaml': config(['jobIterations: ten']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: "jobIterations" of job "j" must be a whole number/ },
  { name: 'replicas times iterations over the object limit', files: { 'c.yaml': config(['jobIterations: 1000'], ['replicas: 100000']).replace('        replicas: 1\n', ''), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:\d+:\d+: job "j" would create 100,000,000 objects/ },
  { name: 'qps not a number', files: { 'c.yaml': config(['qps: fast']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: "qps" of job "j" must be a number/ },
  { name: 'duration without unit', files: { 'c.yaml': config(['maxWaitTimeout: 30']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: .*duration with a unit/ },
  { name: 'unknown job key', files: { 'c.yaml': config(['jobIteration: 3']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: unknown key "jobIteration".*jobIterations/ },
  // ---- configs: hooks, watchers (kube-burner's job lifecycle keys)
  { name: 'job-level beforeCleanup (kube-burner v1; v2 has a hook stage)', files: { 'c.yaml': config(['beforeCleanup: ./cleanup.sh']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:5: unknown key "beforeCleanup" in job "j"[^]*hooks: \[\{cmd: \[sh, script\.sh\], when: beforeCleanup\}\]/ },
  { name: 'hook without cmd', files: { 'c.yaml': config(['hooks:', '  - when: beforeJobExecution']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: hook 1 of job "j" has no command/ },
  { name: 'hook with an empty cmd', files: { 'c.yaml': config(['hooks: [{cmd: [], when: afterGC}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: hook 1 of job "j" has no command/ },
  { name: 'hook without when', files: { 'c.yaml': config(['hooks:', '  - cmd: [echo, hi]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: hook 1 of job "j" has no "when"[^]*beforeJobExecution/ },
  { name: 'hook at an unknown stage', files: { 'c.yaml': config(['hooks:', '  - {cmd: [echo, hi], when: afterJobExecutoin}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: "when" of hook 1 of job "j" is "afterJobExecutoin"[^]*afterJobExecution/ },
  { name: 'hook with an unknown key', files: { 'c.yaml': config(['hooks:', '  - {cmd: [echo, hi], when: afterGC, timeout: 5s}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: unknown key "timeout" in hook 1 of job "j"/ },
  { name: 'hook cmd that is not a list', files: { 'c.yaml': config(['hooks:', '  - {cmd: echo hi, when: afterGC}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: "cmd" of hook 1 of job "j" must be a list/ },
  { name: 'metricsAggregate true (burn measures each job on its own)', files: { 'c.yaml': config(['metricsAggregate: true']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: metricsAggregate of job "j": burn does not carry a job's measurements into the next job/ },
  { name: 'watcher without kind', files: { 'c.yaml': config(['watchers:', '  - {apiVersion: v1}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: watcher 1 of job "j" has no kind/ },
  { name: 'watcher with zero replicas', files: { 'c.yaml': config(['watchers:', '  - {kind: Pod, replicas: 0}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: "replicas" of watcher 1 of job "j" is 0; it must be at least 1/ },
  { name: 'unknown jobType', files: { 'c.yaml': config(['jobType: crate']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: "jobType" of job "j" is "crate".*create/ },
  // ---- traffic jobs (burn's extension): each refusal at its line
  { name: 'traffic job without traffic', files: { 'c.yaml': trafficConfig([]).replace('    traffic:\n', '') }, args: validate, exit: 1, message: /c\.yaml:2:\d+: job "t" is a traffic job without traffic:/ },
  { name: 'traffic job with objects', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]']) + '    objects: [{objectTemplate: pod.yaml}]\n', 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: job "t" is a traffic job: it sends HTTP requests and creates no objects/ },
  { name: 'traffic: on a create job', files: { 'c.yaml': config(['traffic: {targets: [{url: "http://127.0.0.1:9/"}], stages: [{duration: 1s, target: 10}]}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: job "j" is a create job; traffic: belongs to a traffic job/ },
  { name: 'traffic unknown key', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]', '  rate: 100']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: unknown key "rate" in traffic of job "t"/ },
  { name: 'traffic target without url', files: { 'c.yaml': trafficConfig(['  targets:', '    - {method: GET}', '  stages: [{duration: 1s, target: 10}]']) }, args: validate, exit: 1, message: /c\.yaml:6:\d+: target 1 of traffic of job "t" has no url/ },
  { name: 'traffic target url not http', files: { 'c.yaml': trafficConfig(['  targets:', '    - {url: "ftp://127.0.0.1/x"}', '  stages: [{duration: 1s, target: 10}]']) }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "url" of target 1 of traffic of job "t" "ftp:\/\/127\.0\.0\.1\/x" is not http or https/ },
  { name: 'traffic target unknown method', files: { 'c.yaml': trafficConfig(['  targets:', '    - {url: "http://127.0.0.1:9/", method: FETCH}', '  stages: [{duration: 1s, target: 10}]']) }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "method" of target 1 of traffic of job "t" is "FETCH"/ },
  { name: 'traffic stage without duration', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages:', '    - {target: 10}']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: stage 1 of traffic of job "t" has no duration/ },
  { name: 'traffic stage with a negative rate', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages:', '    - {duration: 1s, target: -5}']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: "target" of stage 1 of traffic of job "t" is -5 requests\/s/ },
  { name: 'traffic stages that send nothing', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 0}]']) }, args: validate, exit: 1, message: /c\.yaml:6:\d+: the stages of job "t" never send a request/ },
  { name: 'traffic threshold on an unknown metric', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]', '  thresholds: ["p98 < 10ms"]']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: threshold "p98 < 10ms" measures "p98", which a traffic job does not have/ },
  { name: 'traffic latency threshold without unit', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]', '  thresholds:', '    - "p99 < 10"']) }, args: validate, exit: 1, message: /c\.yaml:8:\d+: threshold "p99 < 10": a latency needs a unit/ },
  { name: 'traffic error rate above 100%', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]', '  thresholds: ["errorRate < 150%"]']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: threshold "errorRate < 150%": errorRate is a share of the requests and cannot exceed 100%/ },
  { name: 'traffic maxInFlight 0', files: { 'c.yaml': trafficConfig(['  targets: [{url: "http://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]', '  maxInFlight: 0']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: "maxInFlight" of traffic of job "t" is 0; it must be at least 1/ },
  { name: 'traffic tls ca missing', files: { 'c.yaml': trafficConfig(['  targets: [{url: "https://127.0.0.1:9/"}]', '  stages: [{duration: 1s, target: 10}]', '  tls: {ca: nowhere.pem}']) }, args: validate, exit: 1, message: /c\.yaml:7:\d+: tls ca "nowhere\.pem" not found/ },
  { name: 'traffic service target without name', files: { 'c.yaml': trafficConfig(['  targets:', '    - service: {namespace: web, port: 8080}', '  stages: [{duration: 1s, target: 10}]']) }, args: validate, exit: 1, message: /c\.yaml:6:\d+: service of target 1 of traffic of job "t" has no name/ },
  // ---- KubeVirt and CDI: refused, never half run
  { name: 'jobType kubevirt', files: { 'c.yaml': config(['jobType: kubevirt']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: jobType "kubevirt" of job "j" drives KubeVirt virtual machines: burn does not support KubeVirt or CDI/ },
  { name: 'object kubeVirtOp', files: { 'c.yaml': config([], ['kubeVirtOp: start']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: kubeVirtOp of object 1 of job "j" is a KubeVirt operation: burn does not support KubeVirt or CDI/ },
  { name: 'measurement vmiLatency', files: { 'c.yaml': config(['measurements: [{name: vmiLatency}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: measurement "vmiLatency" measures KubeVirt VirtualMachineInstances: burn does not support KubeVirt or CDI/ },
  { name: 'measurement vmimLatency', files: { 'c.yaml': `global:\n  measurements:\n    - name: vmimLatency\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:3:\d+: measurement "vmimLatency" measures KubeVirt VirtualMachineInstanceMigrations: burn does not support KubeVirt or CDI/ },
  { name: 'measurement dataVolumeLatency', files: { 'c.yaml': `global:\n  measurements:\n    - name: dataVolumeLatency\n${config()}`, 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:3:\d+: measurement "dataVolumeLatency" measures CDI DataVolumes: burn does not support KubeVirt or CDI/ },
  // ---- storage measurements' options
  { name: 'pvcLatency threshold on a pod condition', files: { 'c.yaml': config(['measurements:', '  - name: pvcLatency', '    thresholds: [{conditionType: Ready, threshold: 1s}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "conditionType" of pvcLatency thresholds\[0\] is "Ready"; it must be one of Pending, Bound, Lost, Resize, Resized/ },
  { name: 'pvcLatency threshold without unit', files: { 'c.yaml': config(['measurements:', '  - name: pvcLatency', '    thresholds: [{conditionType: Bound, threshold: 30}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "threshold" of pvcLatency thresholds\[0\] must be a duration with a unit/ },
  { name: 'volumeSnapshotLatency unknown option', files: { 'c.yaml': config(['measurements:', '  - name: volumeSnapshotLatency', '    thresholdz: []']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: unknown option "thresholdz" of volumeSnapshotLatency.*thresholds/ },
  { name: 'volumeSnapshotLatency threshold not Ready', files: { 'c.yaml': config(['measurements:', '  - name: volumeSnapshotLatency', '    thresholds: [{conditionType: Bound, threshold: 1s}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "conditionType" of volumeSnapshotLatency thresholds\[0\] is "Bound"; it must be one of Ready/ },
  { name: 'pprof nodeAffinity (kube-burner\'s collector DaemonSet)', files: { 'c.yaml': config(['measurements:', '  - name: pprof', '    nodeAffinity: {node-role.kubernetes.io/worker: ""}', '    pprofTargets: [{name: kubelet-heap, namespace: x, labelSelector: {a: b}, url: "https://localhost:10250/debug/pprof/heap"}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: nodeAffinity places kube-burner's pprof collector DaemonSet on nodes, which burn does not deploy/ },
  { name: 'pprof node target without labelSelector', files: { 'c.yaml': config(['measurements:', '  - name: pprof', '    pprofTargets:', '      - name: kubelet-heap', '        url: https://localhost:10250/debug/pprof/heap']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: pprof pprofTargets\[0\] has no labelSelector: kube-burner collects such node targets through its pprof collector DaemonSet/ },
  { name: 'pprof bearerToken and certFile together', files: { 'c.yaml': config(['measurements:', '  - name: pprof', '    pprofTargets:', '      - {name: etcd, namespace: kube-system, labelSelector: {component: etcd}, url: "https://localhost:2379/debug/pprof/heap", bearerToken: t, certFile: c.pem, keyFile: k.pem}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: pprof pprofTargets\[0\]: bearerToken and cert auth methods cannot be specified together in the same target/ },
  { name: 'job name with capitals', files: { 'c.yaml': config().replace('name: j', 'name: MyJob'), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:2:\d+: job name "MyJob" is not a valid DNS-1123 name/ },
  { name: 'namespace not a DNS label', files: { 'c.yaml': config().replace('namespace: corpus', 'namespace: Corpus_NS'), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:3:\d+: namespace "Corpus_NS"/ },
  { name: 'churn percent out of range', files: { 'c.yaml': config(['churnConfig: {cycles: 1, percent: 200}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: percent of churnConfig/ },
  // ---- configs: pacing keys (waitOptions, group, incrementalLoad)
  { name: 'waitOptions customStatusPaths burn cannot evaluate', files: { 'c.yaml': config([], ['waitOptions:', '  customStatusPaths:', "    - {key: '.items | length', value: '3'}"]), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:9:\d+: customStatusPaths item 1 .*unsupported customStatusPaths expression "\.items \| length"/ },
  { name: 'waitOptions kind of unknown apiVersion', files: { 'c.yaml': config([], ['waitOptions: {kind: VirtualMachine}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: waitOptions of .*kind VirtualMachine is not a built-in kind.*apiVersion/ },
  { name: 'serviceLatency svcTimeout 0', files: { 'c.yaml': config(['measurements:', '  - name: serviceLatency', '    svcTimeout: 0s']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "svcTimeout" of serviceLatency cannot be 0/ },
  { name: 'serviceLatency threshold on an unknown condition', files: { 'c.yaml': config(['measurements:', '  - name: serviceLatency', '    thresholds: [{conditionType: PodReady, threshold: 1s}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "conditionType" of serviceLatency thresholds\[0\] is "PodReady"; it must be one of Ready, IPAssigned, EndpointsReady/ },
  { name: 'incrementalLoad on a delete job', files: { 'c.yaml': config(['jobType: delete', 'incrementalLoad: {totalIterations: 5}']).replace('      - objectTemplate: pod.yaml\n        replicas: 1', '      - {kind: Pod, labelSelector: {a: b}}'), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: incrementalLoad of job "j" applies to create jobs only/ },
  { name: 'incrementalLoad pattern type unknown', files: { 'c.yaml': config(['incrementalLoad: {totalIterations: 5, pattern: {type: exponental}}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:4:\d+: "type" of pattern .* is "exponental"; it must be one of linear, exponential/ },
  { name: 'group id negative', files: { 'c.yaml': config([], ['group: {id: -1}']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: "id" of group of object 1 of job "j" is -1; it must be at least 0/ },
  { name: 'netpolLatency threshold on minReady (kube-burner writes MinReady)', files: { 'c.yaml': config(['measurements:', '  - name: netpolLatency', '    thresholds: [{conditionType: minReady, threshold: 1s}]']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:6:\d+: "conditionType" of netpolLatency thresholds\[0\] is "minReady"; it must be one of Ready, MinReady/ },
  { name: 'allowNoMatch on a create job', files: { 'c.yaml': config([], ['allowNoMatch: true']), 'pod.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:7:\d+: allowNoMatch of object 1 of job "j" is for delete, patch and read jobs/ },
  {
    name: 'allowNoMatch not a boolean',
    files: { 'c.yaml': 'jobs:\n  - name: d\n    jobType: delete\n    objects:\n      - kind: Pod\n        labelSelector: {kube-burner.io/job: j}\n        allowNoMatch: maybe\n' },
    args: validate,
    exit: 1,
    message: /c\.yaml:7:\d+: "allowNoMatch" of object 1 of job "d" must be/,
  },
  // ---- configs: references
  { name: 'objectTemplate missing', files: { 'c.yaml': config() }, args: validate, exit: 1, message: /c\.yaml:5:\d+: objectTemplate "pod\.yaml" not found/ },
  { name: 'objectTemplate is a folder', files: { 'c.yaml': config(), 'pod.yaml/inside.yaml': podTemplate }, args: validate, exit: 1, message: /c\.yaml:5:\d+: objectTemplate "pod\.yaml" is a folder .*not a file/ },
  { name: 'objectTemplate unreadable', files: basic, unreadable: ['pod.yaml'], args: validate, exit: 1, message: /c\.yaml:5:\d+: objectTemplate "pod\.yaml" cannot be read: permission denied.*chmod/ },
  { name: 'objectTemplate URL on a closed port', files: { 'c.yaml': config([], [], '{{CLOSED}}/pod.yaml') }, args: validate, exit: 1, message: /c\.yaml:5:\d+: objectTemplate http:\/\/127\.0\.0\.1:\d+\/pod\.yaml cannot be fetched \(ECONNREFUSED\)/ },
  { name: 'objectTemplate URL answering 404', files: { 'c.yaml': config([], [], '{{HTTP}}/pod.yaml') }, args: validate, exit: 1, message: /c\.yaml:5:\d+: objectTemplate http:\/\/127\.0\.0\.1:\d+\/pod\.yaml answered HTTP 404/ },
  { name: 'objectTemplate URL of another scheme', files: { 'c.yaml': config([], [], 'ftp://example.com/pod.yaml') }, args: validate, exit: 1, message: /c\.yaml:5:\d+: objectTemplate "ftp:\/\/example\.com\/pod\.yaml": only http and https/ },
  { name: 'user data alias bomb', files: { ...basic, 'data.yaml': aliasBomb('') }, args: [...validate, '--user-data', 'data.yaml'], exit: 1, message: /data\.yaml:5:\d+: YAML: aliases expand/ },
  { name: 'user data not a mapping', files: { ...basic, 'data.yaml': '- 1\n' }, args: [...validate, '--user-data', 'data.yaml'], exit: 1, message: /data\.yaml:1:1: user data must be a mapping/ },
  // ---- templates: what they render
  { name: 'template alias bomb', files: withTemplate(`${object('ConfigMap', 'v1', '  name: cm-{{.Iteration}}')}data:\n${aliasBomb('  ')}\n`), args: validate, exit: 1, message: /t\.yaml:10:\d+: rendered template of job "j" object 1, iteration 0, replica 1: aliases expand to more than 100,000 nodes/ },
  { name: 'template alias inside its own anchor', files: withTemplate(`${object('ConfigMap', 'v1', '  name: cm')}data: &d {a: *d}\n`), args: validate, exit: 1, message: /t\.yaml:5:\d+: .*(refers to the block that contains it|alias)/ },
  { name: 'template nested 5000 ifs', files: withTemplate(nested(5000, '{{if true}}', '{{end}}', podTemplate)), args: validate, exit: 1, message: /t\.yaml:1:\d+: blocks and parentheses nest more than 1000 deep/ },
  { name: 'template nested 5000 parentheses', files: withTemplate(`${podTemplate}# {{ ${nested(5000, '(', ')', '1')} }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: blocks and parentheses nest more than 1000 deep/ },
  { name: 'template range until 100000000', files: withTemplate(`${podTemplate}{{ range until 100000000 }}x{{ end }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: .*error calling until: a list of 100,000,000 numbers is more than the 1,000,000/ },
  { name: 'template output over 16 MiB', files: withTemplate(`${podTemplate}# {{ range $i, $e := until 1000000 }}{{ repeat 999999 "x" }}{{ end }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: .*(output passed 16,777,216 characters|ran longer than 10s)/ },
  { name: 'template running over 10 s', files: withTemplate(`${podTemplate}{{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: .*the template ran longer than 10s/ },
  { name: 'template repeat 100 million', files: withTemplate(`${podTemplate}# {{ repeat 100000000 "x" }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: .*error calling repeat: 100,000,000 characters/ },
  { name: 'template printf width 1e9', files: withTemplate(`${podTemplate}# {{ printf "%1000000000d" 1 }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: .*error calling printf: width 1,000,000,000/ },
  { name: 'template ReadFile through a symbolic link', files: { ...withTemplate(`${object('ConfigMap', 'v1', '  name: cm')}data:\n  secret: {{ ReadFile "link.txt" | quote }}\n`), '../outside.txt': 'secret' }, symlinks: { 'link.txt': '../outside.txt' }, args: validate, exit: 1, message: /t\.yaml:6:\d+: .*link\.txt is outside the config folder .* \(through a symbolic link/ },
  { name: 'template ReadFile of ../', files: { ...withTemplate(`${object('ConfigMap', 'v1', '  name: cm')}data:\n  secret: {{ ReadFile "../outside.txt" | quote }}\n`), '../outside.txt': 'secret' }, args: validate, exit: 1, message: /t\.yaml:6:\d+: .*\.\.\/outside\.txt is outside the config folder/ },
  { name: 'template unknown function', files: withTemplate(`${podTemplate}# {{ uper "x" }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: function "uper" not defined/ },
  { name: 'template unclosed action', files: withTemplate(`${podTemplate}# {{ .Iteration \n`), args: validate, exit: 1, message: /t\.yaml:(9|10):\d+: unclosed action/ },
  { name: 'template missing key', files: withTemplate(`${podTemplate}# {{ .Missing }}\n`), args: validate, exit: 1, message: /t\.yaml:9:\d+: .*"Missing"/ },
  { name: 'template renders to nothing', files: withTemplate('{{/* nothing */}}\n'), args: validate, exit: 1, message: /t\.yaml:1:1: template of job "j" object 1, iteration 0, replica 1 renders to nothing/ },
  { name: 'template renders invalid YAML', files: withTemplate(`${podTemplate}  bad: [\n`), args: validate, exit: 1, message: /t\.yaml:\d+:\d+: rendered template .* is not valid YAML/ },
  { name: 'template without apiVersion', files: withTemplate('kind: Pod\nmetadata:\n  name: p\n'), args: validate, exit: 1, message: /t\.yaml:1:1: rendered object .* has no apiVersion/ },
  // ---- templates: objects the API server would refuse
  { name: 'Service name of 64 characters', files: withTemplate(object('Service', 'v1', `  name: ${'s'.repeat(64)}`)), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "s{64}" of the Service .* is 64 characters long; at most 63/ },
  { name: 'Service name starting with a digit', files: withTemplate(object('Service', 'v1', '  name: 1svc')), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "1svc" of the Service .* DNS-1035 label/ },
  { name: 'Namespace name of 64 characters', files: withTemplate(object('Namespace', 'v1', `  name: ${'n'.repeat(64)}`)), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "n{64}" of the Namespace .* at most 63/ },
  { name: 'Pod name with capitals', files: withTemplate(object('Pod', 'v1', '  name: MyPod')), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "MyPod" of the Pod .* DNS-1123 subdomain/ },
  { name: 'ConfigMap name of 254 characters', files: withTemplate(object('ConfigMap', 'v1', `  name: ${'c'.repeat(254)}`)), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "c+" of the ConfigMap .* 254 characters long; at most 253/ },
  { name: 'CronJob name of 53 characters', files: withTemplate(object('CronJob', 'batch/v1', `  name: ${'j'.repeat(53)}`)), args: validate, exit: 1, message: /t\.yaml:4:\d+: .* of the CronJob .* at most 52/ },
  { name: 'name too long only in the last iteration', files: withTemplate(object('Service', 'v1', `  name: svc-{{ if eq .Iteration 9999 }}${'x'.repeat(70)}{{ else }}{{ .Iteration }}{{ end }}`), ['jobIterations: 10000']), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "svc-x+" of the Service rendered for job "j" object 1, iteration 9999/ },
  { name: 'name that is a number', files: withTemplate(object('ConfigMap', 'v1', '  name: 12345')), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.name "12345" of the ConfigMap .* must be text/ },
  { name: 'generateName with capitals', files: withTemplate(object('Pod', 'v1', '  generateName: Pod-')), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.generateName "Pod-" of the Pod/ },
  { name: 'generateName with a slash', files: withTemplate(object('ConfigMap', 'v1', '  generateName: a/b-')), args: validate, exit: 1, message: /t\.yaml:4:\d+: metadata\.generateName "a\/b-" of the ConfigMap/ },
  { name: 'kind List', files: withTemplate('apiVersion: v1\nkind: List\nmetadata:\n  name: l\nitems: []\n'), args: validate, exit: 1, message: /t\.yaml:2:\d+: .*kind List is a list, which the API server does not create/ },
  { name: 'kind misspelled', files: withTemplate(object('Deploymnet', 'apps/v1', '  name: d')), args: validate, exit: 1, message: /t\.yaml:2:\d+: .*apps\/v1 has no kind Deploymnet/ },
  { name: 'kind in the wrong case', files: withTemplate(object('pod', 'v1', '  name: p')), args: validate, exit: 1, message: /t\.yaml:2:\d+: .*v1 has no kind pod.*did you mean Pod/ },
  { name: 'kind of a removed version', files: withTemplate(object('Deployment', 'apps/v1beta1', '  name: d')), args: validate, exit: 1, message: /t\.yaml:2:\d+: .*Deployment is not served as apps\/v1beta1.*apps\/v1/ },
  // ---- flags
  { name: '--set __proto__', files: basic, args: [...validate, '--set', '__proto__.x=1'], exit: 1, message: /--set __proto__\.x=1: "__proto__" is not a config key/ },
  { name: '--set constructor.prototype', files: basic, args: [...validate, '--set', 'constructor.prototype.x=1'], exit: 1, message: /--set constructor\.prototype\.x=1: "constructor" is not a config key/ },
  { name: '--set index out of the list', files: basic, args: [...validate, '--set', 'jobs.5.qps=1'], exit: 1, message: /--set jobs\.5\.qps=1: .*list of 1 item/ },
  { name: '--set without =', files: basic, args: [...validate, '--set', 'jobs'], exit: 1, message: /--set jobs: "jobs" is not key=value/ },
  { name: '--uuid with a path', files: basic, args: [...validate, '--uuid', '../../x'], exit: 1, message: /--uuid "\.\.\/\.\.\/x" cannot be used/ },
  { name: '--uuid of 64 characters', files: basic, args: [...validate, '--uuid', 'u'.repeat(64)], exit: 1, message: /--uuid "u{64}" cannot be used/ },
  { name: 'init --uuid with a path', files: basic, args: ['init', '-c', 'c.yaml', '--uuid', '../../x', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /--uuid "\.\.\/\.\.\/x" cannot be used/ },
  { name: 'init --sim with --kubeconfig', files: basic, args: ['init', '-c', 'c.yaml', '--sim', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /--sim and --kubeconfig cannot be used together/ },
  { name: 'init --sim with --kube-context', files: basic, args: ['init', '-c', 'c.yaml', '--sim', '--kube-context', 'x'], exit: 1, message: /--sim and --kube-context cannot be used together/ },
  { name: 'init --log-level bogus', files: basic, args: ['init', '-c', 'c.yaml', '--log-level', 'bogus'], exit: 1, message: /option '--log-level <level>' argument 'bogus' is invalid.*debug, info, warn, error, fatal/ },
  { name: 'destroy --log-level bogus', files: {}, args: ['destroy', '--uuid', 'x', '--log-level', 'bogus'], exit: 1, message: /'--log-level <level>' argument 'bogus' is invalid/ },
  { name: 'init --metrics-port out of range', files: basic, args: ['init', '-c', 'c.yaml', '--metrics-port', '70000'], exit: 1, message: /'--metrics-port <port>' argument '70000' is invalid.*not a TCP port/ },
  { name: 'init --metrics-address not an address', files: basic, args: ['init', '-c', 'c.yaml', '--metrics-port', '0', '--metrics-address', 'not an address'], exit: 1, message: /'--metrics-address <address>' argument 'not an address' is invalid.*not an IP address or host name/ },
  { name: 'init --metrics-linger without --metrics-port', files: basic, args: ['init', '-c', 'c.yaml', '--metrics-linger', '30s', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /--metrics-linger needs --metrics-port/ },
  { name: 'init --pushgateway not http', files: basic, args: ['init', '-c', 'c.yaml', '--pushgateway', 'ftp://gw:9091'], exit: 1, message: /'--pushgateway <url>' argument 'ftp:\/\/gw:9091' is invalid.*not an http\(s\) URL/ },
  { name: 'init --pushgateway with /metrics', files: basic, args: ['init', '-c', 'c.yaml', '--pushgateway', 'http://gw:9091/metrics'], exit: 1, message: /without \/metrics/ },
  { name: 'init --pushgateway that does not answer', files: basic, args: ['init', '-c', 'c.yaml', '--pushgateway', '{{CLOSED}}', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /--pushgateway http:\/\/127\.0\.0\.1:\d+: no answer/ },
  { name: 'init --pushgateway that is not a Pushgateway', files: basic, args: ['init', '-c', 'c.yaml', '--pushgateway', '{{HTTP}}', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /--pushgateway http:\/\/127\.0\.0\.1:\d+: .*answered HTTP 404, not 200: is this a Pushgateway\?/ },
  { name: 'init --timeout not a duration', files: basic, args: ['init', '-c', 'c.yaml', '--timeout', 'soon'], exit: 1, message: /'--timeout <duration>' argument 'soon' is invalid/ },
  { name: 'init -c and --configmap together', files: basic, args: ['init', '-c', 'c.yaml', '--configmap', 'cfg', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /-c\/--config and --configmap cannot be used together/ },
  { name: 'init --configmap with --sim', files: {}, args: ['init', '--configmap', 'cfg', '--sim'], exit: 1, message: /--sim and --configmap cannot be used together/ },
  { name: 'init without -c or --configmap', files: {}, args: ['init', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /a config is needed: -c\/--config <file or URL>, or --configmap <name>/ },
  { name: 'init --configmap that does not exist', files: {}, args: ['init', '--configmap', 'no-such-config', '-n', 'default', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /--configmap no-such-config: no ConfigMap of that name in namespace default/ },
  { name: 'init -c URL answering 404', files: {}, args: ['init', '-c', '{{HTTP}}/config.yml', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /-c\/--config http:\/\/127\.0\.0\.1:\d+\/config\.yml: HTTP 404/ },
  { name: 'init -e that is not a list', files: { ...basic, 'ep.yml': 'endpoint: http://x:9090\n' }, args: ['init', '-c', 'c.yaml', '-e', 'ep.yml', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /ep\.yml/ },
  { name: 'init --skip-tls-verify=maybe', files: basic, args: ['init', '-c', 'c.yaml', '--skip-tls-verify=maybe'], exit: 1, message: /"maybe" is not true or false/ },
  { name: 'destroy --wait and --timeout together', files: {}, args: ['destroy', '--uuid', 'x', '--wait', '1m', '--timeout', '2m'], exit: 1, message: /--wait and --timeout are the same setting/ },
  { name: 'completion for an unknown shell', files: {}, args: ['completion', 'tcsh'], exit: 1, message: /'tcsh' is invalid .* bash, zsh, fish/ },
  { name: '--log-level bogus before the command', files: {}, args: ['--log-level', 'bogus', 'version'], exit: 1, message: /'--log-level <level>' argument 'bogus' is invalid/ },
  { name: 'init --sim-nodes 0', files: basic, args: ['init', '-c', 'c.yaml', '--sim', '--sim-nodes', '0'], exit: 1, message: /'--sim-nodes <n>' argument '0' is invalid/ },
  { name: 'render --iteration not a number', files: { 'pod.yaml': podTemplate }, args: ['render', 'pod.yaml', '--iteration', 'x'], exit: 1, message: /'--iteration <n>' argument 'x' is invalid/ },
  { name: 'render --set __proto__', files: { 'pod.yaml': podTemplate }, args: ['render', 'pod.yaml', '--set', '__proto__.polluted=1'], exit: 1, message: /--set __proto__\.polluted=1: "__proto__" is not a variable name/ },
  { name: 'render a folder', files: { 'dir/pod.yaml': podTemplate }, args: ['render', 'dir'], exit: 1, message: /template dir: EISDIR/ },
  { name: 'validate without -c', files: {}, args: ['validate'], exit: 1, message: /required option '-c, --config <file>'/ },
  { name: 'unknown command', files: {}, args: ['int'], exit: 1, message: /unknown command 'int'/ },
  // ---- metricsEndpoints[].indexer (local, tsdb, opensearch, elastic)
  { name: 'indexer type opensearch without esServers', files: { ...basic, 'c.yaml': `${indexerConfig('type: opensearch', 'defaultIndex: kube-burner')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:3:\d+: the indexer of metrics endpoint 1 \(type opensearch\) has no esServers \(add esServers: \[http:/ },
  { name: 'indexer type elastic without defaultIndex', files: { ...basic, 'c.yaml': `${indexerConfig('type: elastic', 'esServers: [https://es.example:9200]')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:3:\d+: the indexer of metrics endpoint 1 \(type elastic\) has no defaultIndex/ },
  { name: 'indexer defaultIndex with a slash', files: { ...basic, 'c.yaml': `${indexerConfig('type: opensearch', 'esServers: [http://127.0.0.1:9200]', 'defaultIndex: kube/burner')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:5:\d+: "defaultIndex" of the indexer of metrics endpoint 1 "kube\/burner" contains "\/"/ },
  { name: 'indexer esServers not a URL', files: { ...basic, 'c.yaml': `${indexerConfig('type: opensearch', 'esServers: [opensearch:9200]', 'defaultIndex: kb')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:4:\d+: "esServers" of the indexer of metrics endpoint 1: "opensearch:9200" is a opensearch URL, not http\(s\)/ },
  { name: 'indexer type misspelt', files: { ...basic, 'c.yaml': `${indexerConfig('type: locla')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:3:\d+: .*"locla"; the indexer types are local, tsdb, opensearch, elastic[^]*local/ },
  { name: 'indexer without type', files: { ...basic, 'c.yaml': `${indexerConfig('metricsDirectory: out')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:3:\d+: the indexer of metrics endpoint 1 has no type/ },
  { name: 'indexer unknown key', files: { ...basic, 'c.yaml': `${indexerConfig('type: local', 'metricsDir: out')}${config()}` }, args: validate, exit: 1, message: /c\.yaml:4:\d+: unknown key "metricsDir" in the indexer of metrics endpoint 1 \(.*metricsDirectory/ },
  { name: 'init with an opensearch indexer without esServers', files: { ...basic, 'c.yaml': `${indexerConfig('type: opensearch')}${config()}` }, args: ['init', '-c', 'c.yaml', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /c\.yaml:3:\d+: .*has no esServers/ },
  { name: 'init with metricsDirectory on a file', files: { ...basic, 'c.yaml': `${indexerConfig('type: local', 'metricsDirectory: taken')}${config()}`, taken: 'a file\n' }, args: ['init', '-c', 'c.yaml', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /metrics endpoint 1 metricsDirectory \S*taken: exists and is not a folder/ },
  // ---- index, import, check-alerts (kube-burner's subcommands)
  { name: 'import --tarball missing', files: {}, args: ['import', '--tarball', 'nope.tgz'], exit: 1, message: /--tarball nope\.tgz: no such file/ },
  { name: 'import --tarball not a tarball', files: { 'm.tgz': 'plain text\n' }, args: ['import', '--tarball', 'm.tgz'], exit: 1, message: /--tarball m\.tgz: not a gzip file/ },
  { name: 'import without --tarball', files: {}, args: ['import'], exit: 1, message: /required option '--tarball <file>'/ },
  { name: 'import --es-server without --es-index', files: {}, args: ['import', '--tarball', 'x.tgz', '--es-server', 'https://es.example:9200'], exit: 1, message: /--es-server needs --es-index/ },
  { name: 'index --start after --end', files: { 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-u', '{{CLOSED}}', '-m', 'm.yml', '--start', '2000', '--end', '1000'], exit: 1, message: /--start 1970-01-01T00:33:20\.000Z is not before --end/ },
  { name: 'index --start not a time', files: { 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-u', '{{CLOSED}}', '-m', 'm.yml', '--start', 'yesterday'], exit: 1, message: /'--start <time>' argument 'yesterday' is invalid/ },
  { name: 'index -u on a closed port', files: { 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-u', '{{CLOSED}}', '-m', 'm.yml'], exit: 1, message: /-u\/--prometheus-url http:\/\/127\.0\.0\.1:\d+: cannot reach Prometheus/ },
  { name: 'index -u not Prometheus', files: { 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-u', '{{HTTP}}', '-m', 'm.yml'], exit: 1, message: /-u\/--prometheus-url http:\/\/127\.0\.0\.1:\d+: .*(does not answer as Prometheus|404)/ },
  { name: 'index -m missing', files: {}, args: ['index', '-u', '{{CLOSED}}', '-m', 'nope.yml'], exit: 1, message: /nope\.yml/ },
  { name: 'index range over 11,000 points', files: { 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-u', '{{CLOSED}}', '-m', 'm.yml', '--start', '0', '--end', '86400', '--step', '1s'], exit: 1, message: /86,400 points per series; Prometheus answers at most 11,000\n.*--step/ },
  { name: 'index without -u', files: { 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-m', 'm.yml'], exit: 1, message: /-u\/--prometheus-url is required/ },
  { name: 'index --indexer-type unknown', files: {}, args: ['index', '-u', '{{CLOSED}}', '--indexer-type', 'parquet'], exit: 1, message: /--indexer-type parquet: the types are local, tsdb, elastic and opensearch/ },
  { name: 'index --es-server without --es-index', files: {}, args: ['index', '-u', '{{CLOSED}}', '--es-server', 'https://es.example:9200'], exit: 1, message: /--es-server needs --es-index/ },
  { name: 'index DIR without --es-server', files: {}, args: ['index', 'reports/x'], exit: 1, message: /burn index reports\/x: --es-server and --es-index are required to send a run folder/ },
  { name: 'index DIR with a bad --es-index', files: {}, args: ['index', 'reports/x', '--es-server', '{{CLOSED}}', '--es-index', '_kb'], exit: 1, message: /--es-index "_kb" starts with "_"/ },
  { name: 'index DIR that is not a run folder', files: { 'x/a.txt': 'x' }, args: ['index', 'x', '--es-server', '{{CLOSED}}', '--es-index', 'kb'], exit: 1, message: /x: not a burn run folder \(it has no run\.json\)/ },
  { name: 'history --match a key no run has', files: historyStore, args: ['history', 'r', '--match', 'relase=1.33'], exit: 1, message: /--match relase: no run of r has the metadata key "relase" \(did you mean "release"\?\)\n.*from --user-metadata: platform, release/ },
  { name: 'diff --baseline-history --match a key no run has', files: historyStore, args: ['diff', '--baseline-history', 'r', '--match', 'relase=1.33', 'cand'], exit: 1, message: /--match relase: no run of r has the metadata key "relase" \(did you mean "release"\?\)/ },
  { name: 'diff --match a key the candidate lacks', files: historyStore, args: ['diff', '--baseline-history', 'r', '--match', 'platfrom', 'cand'], exit: 1, message: /--match platfrom: the candidate cand has no metadata key "platfrom" \(did you mean "platform"\?\)/ },
  { name: 'diff --baseline-history with two folders', files: historyStore, args: ['diff', 'r/n1', 'cand', '--baseline-history', 'r'], exit: 1, message: /burn diff --baseline-history r: the baseline is the history query, so give only the CANDIDATE/ },
  { name: 'diff --last without a baseline history', files: historyStore, args: ['diff', 'r/n1', 'cand', '--last', '3'], exit: 1, message: /burn diff: --last selects the runs of a baseline history, which is not given/ },
  { name: 'diff --baseline-history and --es-server', files: historyStore, args: ['diff', '--baseline-history', 'r', '--es-server', '{{CLOSED}}', '--index', 'kb', 'cand'], exit: 1, message: /burn diff: give --baseline-history r or --es-server, not both/ },
  { name: 'diff --es-server without --index', files: historyStore, args: ['diff', '--es-server', '{{CLOSED}}', 'cand'], exit: 1, message: /--es-server needs --index/ },
  { name: 'diff --baseline-history no earlier run matches', files: historyStore, args: ['diff', '--baseline-history', 'r', '--match', 'release=1.32', 'cand'], exit: 1, message: /--baseline-history r: no run that started before the candidate matches release=1\.32/ },
  { name: 'history --es-server without --index', files: {}, args: ['history', '--es-server', '{{CLOSED}}'], exit: 1, message: /--es-server needs --index/ },
  { name: 'history --es-server and a folder', files: {}, args: ['history', 'reports', '--es-server', '{{CLOSED}}', '--index', 'kb'], exit: 1, message: /give a folder \(reports\) or --es-server, not both/ },
  { name: 'history --es-server nothing listens', files: {}, args: ['history', '--es-server', '{{CLOSED}}', '--index', 'kb'], exit: 1, message: /burn history: cannot read the runs from http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/ },
  { name: 'index -e with an opensearch indexer without esServers', files: { 'e.yaml': '- endpoint: http://127.0.0.1:1\n  metrics: [m.yml]\n  indexer:\n    type: opensearch\n', 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-e', 'e.yaml'], exit: 1, message: /e\.yaml:4:\d+: .*has no esServers/ },
  { name: 'index -e without an indexer', files: { 'e.yaml': '- endpoint: http://127.0.0.1:1\n  metrics: [m.yml]\n', 'm.yml': '- query: up\n  metricName: up\n' }, args: ['index', '-e', 'e.yaml'], exit: 1, message: /-e\/--metrics-endpoint e\.yaml entry 1 lists metrics profiles but has no indexer/ },
  { name: 'index -e not a list', files: { 'e.yaml': 'endpoint: http://127.0.0.1:1\n' }, args: ['index', '-e', 'e.yaml'], exit: 1, message: /e\.yaml:1:1: a metrics endpoint file must be a list/ },
  { name: 'check-alerts --metrics-directory on a file', files: { 'a.yml': '- expr: up\n  description: up\n  severity: warning\n', taken: 'x\n' }, args: ['check-alerts', '-u', '{{CLOSED}}', '-a', 'a.yml', '--metrics-directory', 'taken'], exit: 1, message: /--metrics-directory \S*taken: exists and is not a folder/ },
  { name: 'check-alerts --es-index without --es-server', files: { 'a.yml': '- expr: up\n  description: up\n  severity: warning\n' }, args: ['check-alerts', '-u', '{{CLOSED}}', '-a', 'a.yml', '--es-index', 'kb'], exit: 1, message: /--es-index kb needs --es-server/ },
  // ---- kubeconfigs (init; nothing may be created)
  { name: 'kubeconfig missing', files: basic, args: ['init', '-c', 'c.yaml', '--kubeconfig', 'nope.kubeconfig'], exit: 1, message: /nope\.kubeconfig/ },
  { name: 'kubeconfig not YAML', files: { ...basic, 'k.yaml': 'clusters: [\n' }, args: ['init', '-c', 'c.yaml', '--kubeconfig', 'k.yaml'], exit: 1, message: /k\.yaml/ },
  { name: 'kubeconfig context missing', files: basic, args: ['init', '-c', 'c.yaml', '--kubeconfig', '{{SIM_KUBECONFIG}}', '--kube-context', 'nope'], exit: 1, message: /nope/ },
  { name: 'kubeconfig server on a closed port', files: { ...basic, 'k.yaml': 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n' }, args: ['init', '-c', 'c.yaml', '--kubeconfig', 'k.yaml'], exit: 1, message: /127\.0\.0\.1:1/ },
  // ---- run time on the simulator (spawned: the real bin/burn.js, start to end)
  { name: 'init with jobIterations 1e12', spawn: true, files: { 'c.yaml': config(['jobIterations: 1000000000000']), 'pod.yaml': podTemplate }, args: ['init', '-c', 'c.yaml', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /c\.yaml:4:\d+: jobIterations of job "j" is 1,000,000,000,000/ },
  { name: 'init with a config alias bomb', spawn: true, files: { 'c.yaml': `${aliasBomb('')}\n${config()}`, 'pod.yaml': podTemplate }, args: ['init', '-c', 'c.yaml', '--kubeconfig', '{{SIM_KUBECONFIG}}'], exit: 1, message: /c\.yaml:5:\d+: YAML: aliases expand/ },
  { name: 'init --log-level bogus (spawned)', spawn: true, files: basic, args: ['init', '-c', 'c.yaml', '--log-level', 'bogus'], exit: 1, message: /'--log-level <level>' argument 'bogus' is invalid/ },
];
