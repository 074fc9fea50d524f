/**
 * The indexer model without a cluster: kube-burner's metricsEndpoints[].indexer decoded (defaults,
 * refusals at their line), the local indexer's files and appends, routing of a run's documents,
 * and metrics tarballs read back by GNU tar and written by it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalIndexerSettings, MetricsEndpoint } from '../../src/config/types.js';
import { configuredIndexers, importTarball, metricsDirectoryOf, packTarGz, runBatches, sendToIndexers, unpackTarGz } from '../../src/indexers/index.js';
import type { MeasurementResult } from '../../src/measure/types.js';
import type { RunRecord } from '../../src/report/index.js';
import { createLogger } from '../../src/shared/log.js';
import { UserError } from '../../src/shared/errors.js';
import { load, podTemplate, problemsOf } from '../config/helpers.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'burn-indexers-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const quiet = createLogger('error', () => {});
const job = ['jobs:', '  - name: j', '    namespace: n', '    objects:', '      - objectTemplate: pod.yaml', '        replicas: 1', ''].join('\n');
const withEndpoints = (endpoints: string) => ({ 'config.yaml': `metricsEndpoints:\n${endpoints}${job}`, 'pod.yaml': podTemplate });
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Array<Record<string, unknown>>;

function endpoint(over: Partial<MetricsEndpoint>): MetricsEndpoint {
  return { endpoint: '', token: '', username: '', password: '', stepMs: 30_000, skipTLSVerify: true, metrics: [], alerts: [], alias: '', ...over };
}
const local = (metricsDirectory: string, createTarball = false, tarballName = 'kube-burner-metrics.tgz') => ({ type: 'local' as const, metricsDirectory, createTarball, tarballName });

describe('metricsEndpoints[].indexer in a config', () => {
  it("takes kube-burner's defaults: collected-metrics-{{.UUID}}, no tarball, kube-burner-metrics.tgz", async () => {
    const config = await load(withEndpoints('  - indexer: {type: local}\n'));
    expect(config.metricsEndpoints[0]!.indexer).toEqual({ type: 'local', metricsDirectory: 'collected-metrics-{{.UUID}}', createTarball: false, tarballName: 'kube-burner-metrics.tgz' });
    expect(metricsDirectoryOf(config.metricsEndpoints[0]!.indexer! as LocalIndexerSettings, { uuid: 'u-7', cwd: '/work' })).toBe('/work/collected-metrics-u-7');
    expect(metricsDirectoryOf(local('out/m'), { uuid: 'u-7', cwd: '/work' })).toBe('/work/out/m');
    expect(metricsDirectoryOf(local('/abs/m'), { uuid: 'u-7', cwd: '/work' })).toBe('/abs/m');
  });

  it("reads the opensearch and elastic indexers' keys, lowercases defaultIndex with a warning, and refuses bad ones at their line", async () => {
    const config = await load(withEndpoints('  - endpoint: http://p:9090\n    indexer:\n      type: opensearch\n      esServers: [https://os:9200, http://os2:9200]\n      defaultIndex: Kube-Burner\n      insecureSkipVerify: true\n  - indexer: {type: elastic, esServers: [http://es:9200], defaultIndex: kb}\n'));
    expect(config.metricsEndpoints.map((e) => e.indexer)).toEqual([
      { type: 'opensearch', esServers: ['https://os:9200', 'http://os2:9200'], defaultIndex: 'kube-burner', insecureSkipVerify: true },
      { type: 'elastic', esServers: ['http://es:9200'], defaultIndex: 'kb', insecureSkipVerify: false },
    ]);
    expect(config.warnings.map((w) => `${w.pos.line}: ${w.message}`)).toEqual(['6: "defaultIndex" of the indexer of metrics endpoint 1 "Kube-Burner" is used as "kube-burner": index names are lowercase (kube-burner lowercases it too)']);
    const problems = await problemsOf(load(withEndpoints('  - indexer: {type: opensearch, defaultIndex: kb}\n  - indexer: {type: elastic, esServers: [ftp://x], defaultIndex: "a,b"}\n  - indexer: {type: opensearch, esServers: [http://x:9200], metricsDirectory: m}\n')));
    expect(problems).toEqual([
      expect.stringMatching(/^config\.yaml:2:\d+: the indexer of metrics endpoint 1 \(type opensearch\) has no esServers/),
      expect.stringMatching(/^config\.yaml:3:\d+: "esServers" of the indexer of metrics endpoint 2: "ftp:\/\/x" is a ftp URL, not http\(s\)/),
      expect.stringMatching(/^config\.yaml:3:\d+: "defaultIndex" of the indexer of metrics endpoint 2 "a,b" contains ","/),
      expect.stringMatching(/^config\.yaml:4:\d+: the indexer of metrics endpoint 3 \(type opensearch\) has no defaultIndex/),
    ]);
  });

  it("reads a measurement's timeseriesIndexer and quantilesIndexer, which must name an indexer (alias, or indexer-<position>)", async () => {
    const measurements = (ts: string) => `global:\n  measurements:\n    - name: podLatency\n      timeseriesIndexer: ${ts}\n      quantilesIndexer: indexer-1\n`;
    const endpoints = '  - indexer: {type: local}\n    alias: local-a\n  - indexer: {type: local, metricsDirectory: b}\n';
    const config = await load({ 'config.yaml': `metricsEndpoints:\n${endpoints}${measurements('local-a')}${job}`, 'pod.yaml': podTemplate });
    expect(config.global.measurements[0]).toMatchObject({ name: 'podLatency', timeseriesIndexer: 'local-a', quantilesIndexer: 'indexer-1' });
    const problems = await problemsOf(load({ 'config.yaml': `metricsEndpoints:\n${endpoints}${measurements('os-indexer')}${job}`, 'pod.yaml': podTemplate }));
    expect(problems).toEqual([expect.stringMatching(/^config\.yaml:8:26: "timeseriesIndexer" of measurement 1 of global is "os-indexer", and no metrics endpoint has an indexer of that name \(the indexers are local-a, indexer-1/)]);
  });

  it('warns that the local indexer ignores the search indexers\' settings, as kube-burner does', async () => {
    const config = await load(withEndpoints('  - indexer: {type: local, defaultIndex: kb}\n'));
    expect(config.warnings.map((w) => `${w.pos.line}: ${w.message}`)).toEqual(['2: "defaultIndex" of the indexer of metrics endpoint 1 is a setting of the elastic and opensearch indexers; the local indexer ignores it']);
  });
});

describe('the local indexer', () => {
  it('writes <metricName>.json in metricsDirectory, appends to a file that exists, and packs a tarball GNU tar reads', async () => {
    const cwd = tempDir();
    const configured = configuredIndexers([endpoint({ indexer: local('m', true, 'm.tgz') })]);
    const batch = { metricName: 'podLatencyMeasurement-j', docs: [{ a: 1 }] };
    expect(await sendToIndexers(configured, [batch, { ...batch, docs: [{ a: 2 }] }, { metricName: 'jobSummary', docs: [{ s: 1 }] }], { uuid: 'u', cwd }, quiet)).toEqual([]);
    expect(json(join(cwd, 'm/podLatencyMeasurement-j.json'))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(readdirSync(join(cwd, 'm')).sort()).toEqual(['jobSummary.json', 'podLatencyMeasurement-j.json']);
    expect(execFileSync('tar', ['tzf', join(cwd, 'm.tgz')], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(['jobSummary.json', 'podLatencyMeasurement-j.json']);
  });

  it('reports a file it cannot append to and carries on with the other indexers', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'ignored'), '');
    const configured = configuredIndexers([endpoint({ indexer: local('a') }), endpoint({ indexer: local('b') })]);
    await sendToIndexers(configured, [{ metricName: 'x', docs: [{}] }], { uuid: 'u', cwd }, quiet);
    writeFileSync(join(cwd, 'a/x.json'), '{not json');
    const errors = await sendToIndexers(configured, [{ metricName: 'x', docs: [{ n: 2 }] }], { uuid: 'u', cwd }, quiet);
    expect(errors).toEqual([expect.stringMatching(/^metrics endpoint 1: local indexer: .*a\/x\.json is there but is not JSON/)]);
    expect(json(join(cwd, 'b/x.json'))).toEqual([{}, { n: 2 }]);
  });
});

describe('which documents go to which indexer', () => {
  const record = {
    uuid: 'u-1',
    runId: 'r',
    burnVersion: 't',
    metadata: { team: 'a' },
    cluster: { target: 'sim', k8sVersion: 'v1', totalNodes: 1, server: 's' },
    jobs: ['j1', 'j2'].map((name) => ({ name, jobType: 'create', jobConfig: {}, start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:00:10Z', passed: true, errors: [], explanations: [], requests: 1, achievedQps: 1, sendingMs: 1, objectsCreated: 1, uncertainCreates: 0, churnCycles: 0, measurements: [] })),
  } as unknown as RunRecord;
  const result = (job: string, endpointDocs: number[]): MeasurementResult => ({
    name: 'x',
    quantiles: [],
    thresholds: [],
    slis: [],
    errors: [],
    documents: [
      { fileName: `podLatencyMeasurement-${job}.json`, docs: [{ job }] },
      ...endpointDocs.map((e) => ({ fileName: `up-${job}.json`, docs: [{ job, e }], index: { metricName: 'up', endpoint: e } })),
    ],
    alerts: [{ expr: 'up', description: 'd', severity: 'warning', firstMs: 0, lastMs: 0, message: 'rendered', endpoint: 1 }],
  });

  it("as kube-burner: measurements and job summaries to every indexer, an endpoint's metrics and alerts to its own; skipIndexing sends nothing", async () => {
    const cwd = tempDir();
    const endpoints = [endpoint({ endpoint: 'http://a:9090', indexer: local('a') }), endpoint({ endpoint: 'http://b:9090', indexer: local('b') }), endpoint({ endpoint: 'http://c:9090' })];
    const batches = runBatches(record, [
      { name: 'j1', skipIndexing: false, results: [result('j1', [0, 1, 2])] },
      { name: 'j2', skipIndexing: true, results: [result('j2', [0])] },
    ]);
    expect(await sendToIndexers(configuredIndexers(endpoints), batches, { uuid: 'u-1', cwd }, quiet)).toEqual([]);
    expect(readdirSync(join(cwd, 'a')).sort()).toEqual(['jobSummary.json', 'podLatencyMeasurement-j1.json', 'up.json']);
    expect(readdirSync(join(cwd, 'b')).sort()).toEqual(['alert.json', 'jobSummary.json', 'podLatencyMeasurement-j1.json', 'up.json']);
    expect(json(join(cwd, 'a/up.json'))).toEqual([{ job: 'j1', e: 0 }]);
    expect(json(join(cwd, 'b/up.json'))).toEqual([{ job: 'j1', e: 1 }]);
    expect(json(join(cwd, 'a/jobSummary.json')).map((d) => [d.jobName, d.metricName, d.team])).toEqual([['j1', 'jobSummary', 'a']]);
    expect(json(join(cwd, 'b/alert.json'))).toEqual([{ timestamp: '1970-01-01T00:00:00.000Z', uuid: 'u-1', severity: 'warning', description: 'rendered', metricName: 'alert', metadata: { team: 'a' } }]);
    expect(existsSync(join(cwd, 'c'))).toBe(false);
  });

  it("a measurement's timeseriesIndexer and quantilesIndexer limit its latency and quantile documents to that indexer", async () => {
    const cwd = tempDir();
    const endpoints = [endpoint({ alias: 'ts', indexer: local('ts') }), endpoint({ indexer: local('q') })];
    const podLatency: MeasurementResult = {
      name: 'podLatency',
      quantiles: [],
      thresholds: [],
      slis: [],
      errors: [],
      documents: ['podLatencyMeasurement-j1.json', 'podLatencyQuantilesMeasurement-j1.json', 'podStartupLatencyMeasurement-j1.json'].map((fileName) => ({ fileName, docs: [{ fileName }] })),
    };
    const batches = runBatches(record, [{ name: 'j1', skipIndexing: false, results: [podLatency], measurements: [{ name: 'podLatency', options: {}, timeseriesIndexer: 'ts', quantilesIndexer: 'indexer-1' }] }]);
    expect(await sendToIndexers(configuredIndexers(endpoints), batches, { uuid: 'u-1', cwd }, quiet)).toEqual([]);
    expect(readdirSync(join(cwd, 'ts')).sort()).toEqual(['jobSummary.json', 'podLatencyMeasurement-j1.json', 'podStartupLatencyMeasurement-j1.json']);
    expect(readdirSync(join(cwd, 'q')).sort()).toEqual(['jobSummary.json', 'podLatencyQuantilesMeasurement-j1.json', 'podStartupLatencyMeasurement-j1.json']);
  });
});

describe('metrics tarballs', () => {
  it('round-trips names up to 255 bytes and reads what GNU tar writes (folders, ./ prefixes)', () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(95)}.json`;
    const entries = [{ name: 'a.json', data: Buffer.from('[1]') }, { name: long, data: Buffer.alloc(1500, 'x') }];
    expect(unpackTarGz(packTarGz(entries))).toEqual(entries);
    const dir = tempDir();
    const out = tempDir();
    writeFileSync(join(dir, 'jobSummary.json'), '[{"metricName":"jobSummary"}]');
    execFileSync('tar', ['czf', join(out, 'gnu.tgz'), '-C', dir, '.']);
    expect(unpackTarGz(readFileSync(join(out, 'gnu.tgz'))).map((e) => e.name)).toEqual(['jobSummary.json']);
  });

  it('burn import indexes each file under its name and refuses a tarball with a file that is not a document list, writing nothing', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'good.tgz'), packTarGz([{ name: 'jobSummary.json', data: Buffer.from('[{"a":1}]') }, { name: 'sub/up.json', data: Buffer.from('[{"b":2}]') }]));
    const outcome = await importTarball({ tarball: join(cwd, 'good.tgz'), indexer: local('out'), cwd, log: quiet });
    expect(outcome).toEqual({ files: 2, documents: 2, errors: [] });
    expect(json(join(cwd, 'out/sub/up.json'))).toEqual([{ b: 2 }]);
    writeFileSync(join(cwd, 'bad.tgz'), packTarGz([{ name: 'a.json', data: Buffer.from('[{"a":1}]') }, { name: 'b.json', data: Buffer.from('{"not":"a list"}') }]));
    const refused = importTarball({ tarball: join(cwd, 'bad.tgz'), indexer: local('bad-out'), cwd, log: quiet });
    await expect(refused).rejects.toThrow(UserError);
    await expect(refused).rejects.toThrow(/--tarball .*bad\.tgz: b\.json is not a JSON list of documents/);
    expect(existsSync(join(cwd, 'bad-out'))).toBe(false);
    writeFileSync(join(cwd, 'evil.tgz'), packTarGz([{ name: '../escape.json', data: Buffer.from('[]') }]));
    await expect(importTarball({ tarball: join(cwd, 'evil.tgz'), indexer: local('o'), cwd, log: quiet })).rejects.toThrow(/leaves the metrics directory/);
  });
});
