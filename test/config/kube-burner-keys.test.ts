import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';

/**
 * Every key of kube-burner v2.7.3's config (the yaml tags of its pkg/config types, its measurement
 * entries and go-commons' indexer settings), each either decoded into burn's typed Config and acted
 * on (the test or module named proves it) or refused by `burn validate` with a message at its
 * file:line:col. Keys marked with an owner are made to act by that helper of issue #14.
 */

type Place = 'global' | 'job' | 'object' | 'endpoint' | 'measurement';
interface Acted {
  key: string;
  place: Place;
  yaml: string[];
  decoded: (c: Config) => unknown;
  expected: unknown;
  proof: string;
}
interface Refused {
  key: string;
  place: Place;
  yaml: string[];
  refused: RegExp;
}
type Fact = Acted | Refused;

const job0 = (c: Config) => c.jobs[0]!;
const obj0 = (c: Config) => c.jobs[0]!.objects[0]!;
const acted = (key: string, place: Place, yaml: string[], decoded: (c: Config) => unknown, expected: unknown, proof: string): Acted => ({ key, place, yaml, decoded, expected, proof });
const refused = (key: string, place: Place, yaml: string[], refusedBy: RegExp): Refused => ({ key, place, yaml, refused: refusedBy });

const LIFECYCLE = 'test/engine/lifecycle-keys';

export const KUBE_BURNER_KEYS: Fact[] = [
  // ---- top level: metricsEndpoints, global, jobs (jobs: every test of a run)
  acted('metricsEndpoints', 'endpoint', [], (c) => c.metricsEndpoints.length, 1, 'test/indexers/indexers.test.ts'),
  // ---- metricsEndpoints[]
  acted('metricsEndpoints[].endpoint', 'endpoint', [], (c) => c.metricsEndpoints[0]!.endpoint, 'http://127.0.0.1:9', 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].step', 'endpoint', ['step: 15s'], (c) => c.metricsEndpoints[0]!.stepMs, 15_000, 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].skipTLSVerify', 'endpoint', ['skipTLSVerify: false'], (c) => c.metricsEndpoints[0]!.skipTLSVerify, false, 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].token', 'endpoint', ['token: t0k'], (c) => c.metricsEndpoints[0]!.token, 't0k', 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].username', 'endpoint', ['username: u'], (c) => c.metricsEndpoints[0]!.username, 'u', 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].password', 'endpoint', ['password: p'], (c) => c.metricsEndpoints[0]!.password, 'p', 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].alias', 'endpoint', ['alias: a'], (c) => c.metricsEndpoints[0]!.alias, 'a', 'test/indexers/indexers.test.ts'),
  acted('metricsEndpoints[].metrics', 'endpoint', ['metrics: [metrics.yml]'], (c) => c.metricsEndpoints[0]!.metrics.length, 1, 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].alerts', 'endpoint', ['alerts: [alerts.yml]'], (c) => c.metricsEndpoints[0]!.alerts.length, 1, 'test/measure/prometheus.test.ts'),
  acted('metricsEndpoints[].indexer.type', 'endpoint', ['indexer: {type: local}'], (c) => (c.metricsEndpoints[0]!.indexer as { type?: string } | undefined)?.type, 'local', 'test/indexers/indexers.test.ts'),
  acted('metricsEndpoints[].indexer.metricsDirectory', 'endpoint', ['indexer: {type: local, metricsDirectory: out}'], (c) => (c.metricsEndpoints[0]!.indexer as { metricsDirectory?: string }).metricsDirectory, 'out', 'test/indexers/indexers.test.ts'),
  acted('metricsEndpoints[].indexer.createTarball', 'endpoint', ['indexer: {type: local, createTarball: true}'], (c) => (c.metricsEndpoints[0]!.indexer as { createTarball?: boolean }).createTarball, true, 'test/indexers/indexers.test.ts'),
  acted('metricsEndpoints[].indexer.tarballName', 'endpoint', ['indexer: {type: local, createTarball: true, tarballName: t.tgz}'], (c) => (c.metricsEndpoints[0]!.indexer as { tarballName?: string }).tarballName, 't.tgz', 'test/indexers/indexers.test.ts'),
  acted('metricsEndpoints[].indexer.type: opensearch|elastic', 'endpoint', ['indexer: {type: opensearch, esServers: [http://127.0.0.1:9200], defaultIndex: x}'], (c) => (c.metricsEndpoints[0]!.indexer as { type?: string }).type, 'opensearch', 'test/indexers/opensearch.test.ts'),
  acted('metricsEndpoints[].indexer.esServers', 'endpoint', ['indexer: {type: elastic, esServers: [http://127.0.0.1:9200], defaultIndex: x}'], (c) => (c.metricsEndpoints[0]!.indexer as { esServers?: string[] }).esServers, ['http://127.0.0.1:9200'], 'test/indexers/opensearch.test.ts'),
  acted('metricsEndpoints[].indexer.defaultIndex', 'endpoint', ['indexer: {type: opensearch, esServers: [http://127.0.0.1:9200], defaultIndex: runs}'], (c) => (c.metricsEndpoints[0]!.indexer as { defaultIndex?: string }).defaultIndex, 'runs', 'test/indexers/opensearch.test.ts'),
  acted('metricsEndpoints[].indexer.insecureSkipVerify', 'endpoint', ['indexer: {type: opensearch, esServers: [https://127.0.0.1:9200], defaultIndex: x, insecureSkipVerify: true}'], (c) => (c.metricsEndpoints[0]!.indexer as { insecureSkipVerify?: boolean }).insecureSkipVerify, true, 'test/indexers/opensearch.test.ts'),
  acted('metricsEndpoints[].indexer.type: tsdb', 'endpoint', ['indexer: {type: tsdb, metricsDirectory: blocks}'], (c) => c.metricsEndpoints[0]!.indexer, { type: 'tsdb', metricsDirectory: 'blocks', createTarball: false, tarballName: 'kube-burner-metrics.tgz' }, 'test/indexers/tsdb.test.ts'),
  // ---- global
  refused('global.uuid', 'global', ['uuid: 0e2c5ff2-3f6b-4b8e-9d0a-1e2f3a4b5c6d'], /c\.yaml:\d+:\d+: unknown key "uuid" in global/),
  refused('global.runid', 'global', ['runid: r'], /c\.yaml:\d+:\d+: unknown key "runid" in global/),
  acted('global.measurements', 'global', ['measurements: [{name: podLatency}]'], (c) => c.global.measurements.map((m) => m.name), ['podLatency'], 'test/engine/lifecycle.test.ts'),
  acted('global.requestTimeout', 'global', ['requestTimeout: 20s'], (c) => c.global.requestTimeoutMs, 20_000, 'test/faults/create-once.test.ts'),
  acted('global.gc', 'global', ['gc: true'], (c) => c.global.gc, true, 'test/engine/lifecycle.test.ts'),
  acted('global.gcMetrics', 'global', ['gc: true', 'gcMetrics: true'], (c) => c.global.gcMetrics, true, 'src/engine/run.ts (afterCleanup hooks after the run\'s gc)'),
  acted('global.waitWhenFinished', 'global', ['waitWhenFinished: true'], (c) => c.global.waitWhenFinished, true, 'test/faults/storms.test.ts'),
  acted('global.clusterHealth', 'global', ['clusterHealth: true'], (c) => c.global.clusterHealth, true, `${LIFECYCLE}/cluster-health.test.ts`),
  acted('global.timeout', 'global', ['timeout: 90m'], (c) => c.global.timeoutMs, 5_400_000, 'test/engine/lifecycle.test.ts'),
  acted('global.functionTemplates', 'global', ['functionTemplates: [fn.tpl]'], (c) => c.global.functionTemplates.length, 1, 'test/template/functions.test.ts'),
  acted('global.deletionStrategy', 'global', ['deletionStrategy: gvr'], (c) => c.global.deletionStrategy, 'gvr', 'src/engine/gc.ts'),
  // ---- measurements[] (global or job): name and thresholds on every latency measurement; the others per measurement
  acted('measurements[].name', 'measurement', ['- name: podLatency'], (c) => c.jobs[0]!.measurements[0]!.name, 'podLatency', 'test/engine/lifecycle.test.ts'),
  acted('measurements[].thresholds[].conditionType/metric/threshold', 'measurement', ['- name: podLatency', '  thresholds: [{conditionType: Ready, metric: P99, threshold: 5s}]'], (c) => (c.jobs[0]!.measurements[0]!.options as { thresholds: unknown[] }).thresholds.length, 1, 'test/measure'),
  acted('measurements[].svcTimeout', 'measurement', ['- name: serviceLatency', '  svcTimeout: 3s'], (c) => (c.jobs[0]!.measurements[0]!.options as { svcTimeoutMs: number }).svcTimeoutMs, 3000, 'test/measure'),
  refused('measurements[].quantilesIndexer', 'measurement', ['- name: podLatency', '  quantilesIndexer: local'], /c\.yaml:\d+:\d+: .*quantilesIndexer/),
  refused('measurements[].timeseriesIndexer', 'measurement', ['- name: podLatency', '  timeseriesIndexer: local'], /c\.yaml:\d+:\d+: .*timeseriesIndexer/),
  // ---- jobs[]
  acted('jobs[].name', 'job', [], (c) => job0(c).name, 'j', 'test/engine/lifecycle.test.ts'),
  acted('jobs[].jobType', 'job', ['jobType: create'], (c) => job0(c).jobType, 'create', 'test/engine/run-sim.test.ts'),
  refused('jobs[].jobType: kubevirt', 'job', ['jobType: kubevirt'], /c\.yaml:\d+:\d+: jobType "kubevirt" of job "j"/),
  acted('jobs[].jobIterations', 'job', ['jobIterations: 4'], (c) => job0(c).jobIterations, 4, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].jobIterationDelay', 'job', ['jobIterationDelay: 2s'], (c) => job0(c).jobIterationDelayMs, 2000, 'src/engine/create-job.ts'),
  acted('jobs[].jobPause', 'job', ['jobPause: 3s'], (c) => job0(c).jobPauseMs, 3000, `${LIFECYCLE}/metrics-closing.test.ts`),
  acted('jobs[].qps', 'job', ['qps: 7'], (c) => job0(c).qps, 7, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].burst', 'job', ['burst: 9'], (c) => job0(c).burst, 9, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].namespace', 'job', [], (c) => job0(c).namespace, 'keys', 'test/engine/lifecycle.test.ts'),
  acted('jobs[].maxWaitTimeout', 'job', ['maxWaitTimeout: 5m'], (c) => job0(c).maxWaitTimeoutMs, 300_000, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].waitForDeletion', 'job', ['waitForDeletion: false'], (c) => job0(c).waitForDeletion, false, 'src/engine/select-jobs.ts'),
  acted('jobs[].podWait', 'job', ['podWait: true'], (c) => job0(c).podWait, true, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].waitWhenFinished', 'job', ['waitWhenFinished: false'], (c) => job0(c).waitWhenFinished, false, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].cleanup (labels-cleanup)', 'job', ['cleanup: false'], (c) => job0(c).cleanup, false, 'src/engine'),
  acted('jobs[].namespacedIterations', 'job', ['namespacedIterations: false'], (c) => job0(c).namespacedIterations, false, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].preCreateNamespaces', 'job', ['preCreateNamespaces: true'], (c) => job0(c).preCreateNamespaces, true, 'src/engine/create-job.ts'),
  acted('jobs[].iterationsPerNamespace', 'job', ['iterationsPerNamespace: 2'], (c) => job0(c).iterationsPerNamespace, 2, 'test/config/plan.test.ts'),
  acted('jobs[].verifyObjects', 'job', ['verifyObjects: false'], (c) => job0(c).verifyObjects, false, 'test/e2e/burn-workloads.test.ts'),
  acted('jobs[].errorOnVerify', 'job', ['errorOnVerify: false'], (c) => job0(c).errorOnVerify, false, 'src/engine/job.ts'),
  acted('jobs[].preLoadImages', 'job', ['preLoadImages: false'], (c) => job0(c).preLoadImages, false, 'test/engine/preload.test.ts'),
  acted('jobs[].preLoadPeriod', 'job', ['preLoadPeriod: 2m'], (c) => job0(c).preLoadPeriodMs, 120_000, 'test/engine/preload.test.ts'),
  acted('jobs[].preLoadNodeLabels', 'job', ['preLoadNodeLabels: {pool: a}'], (c) => job0(c).preLoadNodeLabels, { pool: 'a' }, 'test/engine/preload.test.ts'),
  acted('jobs[].namespaceLabels', 'job', ['namespaceLabels: {team: x}'], (c) => job0(c).namespaceLabels, { team: 'x' }, 'test/measure/netpol-latency-sim.test.ts'),
  acted('jobs[].namespaceAnnotations', 'job', ['namespaceAnnotations: {note: x}'], (c) => job0(c).namespaceAnnotations, { note: 'x' }, 'src/engine/create-job.ts'),
  acted('jobs[].churnConfig.cycles/percent/duration/delay/deleteDelay/mode', 'job', ['churnConfig: {cycles: 2, percent: 20, duration: 5m, delay: 1s, deleteDelay: 2s, mode: objects}'], (c) => job0(c).churnConfig, { enabled: true, cycles: 2, percent: 20, durationMs: 300_000, delayMs: 1000, deleteDelayMs: 2000, mode: 'objects' }, 'test/engine/run-sim.test.ts'),
  acted('jobs[].skipIndexing', 'job', ['skipIndexing: true'], (c) => job0(c).skipIndexing, true, 'test/indexers/indexers.test.ts'),
  acted('jobs[].defaultMissingKeysWithZero', 'job', ['defaultMissingKeysWithZero: true'], (c) => job0(c).defaultMissingKeysWithZero, true, 'test/template/errors.test.ts'),
  acted('jobs[].objectWait (pacing-keys)', 'job', ['objectWait: false'], (c) => job0(c).objectWait, false, 'test/engine/pacing.test.ts'),
  acted('jobs[].executionMode (pacing-keys)', 'job', ['executionMode: parallel'], (c) => job0(c).executionMode, 'parallel', 'test/engine/pacing.test.ts'),
  acted('jobs[].incrementalLoad.startIterations/totalIterations/stepDelay/pattern/healthCheckScript (pacing-keys)', 'job', ['incrementalLoad: {startIterations: 1, totalIterations: 2, stepDelay: 1s}'], (c) => job0(c).incrementalLoad !== null, true, 'test/engine/pacing.test.ts'),
  acted('jobs[].objectDelay', 'job', ['objectDelay: 1s'], (c) => job0(c).objectDelayMs, 1000, 'src/engine/create-job.ts'),
  refused('jobs[].metricsAggregate: true', 'job', ['metricsAggregate: true'], /c\.yaml:\d+:\d+: metricsAggregate of job "j": burn does not carry a job's measurements into the next job/),
  acted('jobs[].metricsClosing', 'job', ['metricsClosing: afterJob'], (c) => job0(c).metricsClosing, 'afterJob', `${LIFECYCLE}/metrics-closing.test.ts`),
  acted('jobs[].gc', 'job', ['gc: true'], (c) => job0(c).gc, true, `${LIFECYCLE}/hooks.test.ts`),
  acted('jobs[].measurements', 'job', ['measurements: [{name: podLatency}]'], (c) => job0(c).measurements.length, 1, 'test/engine/lifecycle.test.ts'),
  acted('jobs[].watchers[].kind/apiVersion/labelSelector/replicas', 'job', ['watchers: [{kind: Pod, apiVersion: v1, labelSelector: {app: x}, replicas: 2}]'], (c) => job0(c).watchers, [{ kind: 'Pod', apiVersion: 'v1', labelSelector: { app: 'x' }, replicas: 2 }], `${LIFECYCLE}/watchers.test.ts`),
  acted('jobs[].hooks[].cmd/when/background', 'job', ['hooks: [{cmd: [sh, x.sh], when: beforeGC, background: true}]'], (c) => job0(c).hooks.map(({ cmd, when, background }) => ({ cmd, when, background })), [{ cmd: ['sh', 'x.sh'], when: 'beforeGC', background: true }], `${LIFECYCLE}/hooks.test.ts`),
  refused('jobs[].beforeCleanup (not a v2 key: a hook stage)', 'job', ['beforeCleanup: x.sh'], /c\.yaml:\d+:\d+: unknown key "beforeCleanup" in job "j"/),
  // ---- objects[]
  acted('objects[].objectTemplate', 'object', [], (c) => obj0(c).objectTemplateAsWritten, 'pod.yaml', 'test/engine/lifecycle.test.ts'),
  acted('objects[].replicas', 'object', ['replicas: 3'], (c) => obj0(c).replicas, 3, 'test/engine/lifecycle.test.ts'),
  acted('objects[].inputVars', 'object', ['inputVars: {a: 1}'], (c) => obj0(c).inputVars, { a: 1 }, 'test/engine/pacing.test.ts'),
  acted('objects[].wait', 'object', ['wait: false'], (c) => obj0(c).wait, false, 'src/engine/create-job.ts'),
  acted('objects[].waitOptions.apiVersion/kind/labelSelector', 'object', ['waitOptions: {apiVersion: v1, kind: Pod, labelSelector: {a: b}}'], (c) => obj0(c).waitOptions.kind, 'Pod', 'test/engine/pacing.test.ts'),
  acted('objects[].waitOptions.customStatusPaths[].key/value', 'object', ['waitOptions: {customStatusPaths: [{key: .status.phase, value: Running}]}'], (c) => obj0(c).waitOptions.customStatusPaths, [{ key: '.status.phase', value: 'Running' }], 'test/engine/pacing.test.ts'),
  acted('objects[].runOnce', 'object', ['runOnce: true'], (c) => obj0(c).runOnce, true, 'test/config/plan.test.ts'),
  acted('objects[].churn', 'object', ['churn: false'], (c) => obj0(c).churn, false, 'src/engine/churn.ts'),
  acted('objects[].repeatEveryNIterations', 'object', ['repeatEveryNIterations: 2'], (c) => obj0(c).repeatEveryNIterations, 2, 'test/config/plan.test.ts'),
  acted('objects[].group.id/gc/pauseBeforeGC/pauseAfterGC (pacing-keys)', 'object', ['group: {id: 1, gc: true, pauseBeforeGC: 1s, pauseAfterGC: 2s}'], (c) => (obj0(c) as unknown as { group: { id: number } }).group.id, 1, 'test/engine/pacing.test.ts'),
  refused('objects[].kubeVirtOp', 'object', ['kubeVirtOp: start'], /c\.yaml:\d+:\d+: kubeVirtOp of object 1 of job "j" is a KubeVirt operation/),
];

const BASE_TEMPLATE = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-{{ .Iteration }}\nspec:\n  containers: [{name: c, image: registry.k8s.io/pause:3.10}]\n';

function configFor(fact: Fact): string {
  const at = (place: Place, indent: string) => (fact.place === place ? fact.yaml.map((l) => indent + l) : []);
  const endpoint = fact.place === 'endpoint' ? ['metricsEndpoints:', '  - endpoint: http://127.0.0.1:9', ...at('endpoint', '    ')] : [];
  const global = fact.place === 'global' ? ['global:', ...at('global', '  ')] : [];
  const measurements = fact.place === 'measurement' ? ['    measurements:', ...at('measurement', '      ')] : [];
  return [...endpoint, ...global, 'jobs:', '  - name: j', '    namespace: keys', ...at('job', '    '), ...measurements, '    objects:', '      - objectTemplate: pod.yaml', ...at('object', '        '), ''].join('\n');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'burn-kb-keys-'));
  await writeFile(join(dir, 'pod.yaml'), BASE_TEMPLATE);
  await writeFile(join(dir, 'fn.tpl'), '{{ define "x" }}x{{ end }}');
  await writeFile(join(dir, 'x.sh'), 'true\n');
  await writeFile(join(dir, 'metrics.yml'), '- query: up\n  metricName: up\n');
  await writeFile(join(dir, 'alerts.yml'), '- expr: up == 0\n  description: down\n  severity: warning\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("every key of kube-burner v2.7.3's config", () => {
  for (const fact of KUBE_BURNER_KEYS) {
    if ('refused' in fact) {
      it(`${fact.key}: refused by validate at its line`, async () => {
        const file = join(dir, `${fact.key.replace(/\W+/g, '_')}.yaml`);
        await writeFile(file, configFor(fact).replaceAll('objectTemplate: pod.yaml', `objectTemplate: ${join(dir, 'pod.yaml')}`));
        const text = await loadConfig(file, { uuid: 'u', cwd: dir }).then(
          () => 'loaded',
          (err: Error) => err.message.replaceAll(file, 'c.yaml').replaceAll(`${fact.key.replace(/\W+/g, '_')}.yaml`, 'c.yaml'),
        );
        expect(text).toMatch(fact.refused);
      });
    } else {
      it(`${fact.key}: decoded and acted on (${fact.proof})`, async () => {
        const file = join(dir, `${fact.key.replace(/\W+/g, '_')}.yaml`);
        await writeFile(file, configFor(fact).replaceAll('objectTemplate: pod.yaml', `objectTemplate: ${join(dir, 'pod.yaml')}`).replace(`objectTemplate: ${join(dir, 'pod.yaml')}`, 'objectTemplate: pod.yaml'));
        const config = await loadConfig(file, { uuid: 'u', cwd: dir });
        expect(fact.decoded(config)).toEqual(fact.expected);
        expect(existsSync(fact.proof.split(' ')[0]!), `the proof ${fact.proof} exists`).toBe(true);
      });
    }
  }
});
