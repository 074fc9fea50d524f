import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFolderBatches } from '../../src/indexers/index.js';
import { documentId } from '../../src/indexers/opensearch.js';
import { SearchClient } from '../../src/indexers/opensearch-client.js';
import { uuidQuery } from '../../src/indexers/opensearch-store.js';
import { packMetricsDirectory } from '../../src/indexers/local.js';
import { Gauge, Registry } from 'prom-client';
import { serveRegistry, startPrometheus } from '../measure/prometheus-harness.js';
import { openSearchSession } from '../../src/indexers/opensearch.js';
import { burnCli } from '../helpers/burn-cli.js';
import { expectHealthyExit } from '../helpers/healthy-exit.js';
import { OPENSEARCH_START_TIMEOUT_MS, startOpenSearch, type OpenSearchNode } from '../helpers/opensearch.js';
import { quickstartJobConfig } from '../helpers/quickstart-job.js';

// The opensearch indexer against a real OpenSearch node (scripts/opensearch/up): a --sim run leaves
// every document of its run folder in OpenSearch; with the indexer down the run loses nothing and
// `burn index DIR` sends it later, again without duplicates; `burn history` and `burn diff
// --baseline-history` read the same runs from OpenSearch as from their folders.

const INDEX = `burn-test-${Math.random().toString(36).slice(2, 8)}`;
const RUN_TIMEOUT_MS = 300_000;

// The server comes from the environment when the config is rendered, so every run has the same
// config file (one config digest: one history series) whether its indexer is up or down.
const CONFIG = quickstartJobConfig({
  name: 'nightly',
  jobIterations: 2,
  qps: 20,
  burst: 20,
  podReplicas: 2,
  podWait: true,
  preamble: `metricsEndpoints:
  - indexer:
      type: opensearch
      esServers: ["{{ .BURN_TEST_ES_SERVER }}"]
      defaultIndex: ${INDEX}
`,
});

/** A URL where nothing listens: a port the kernel handed out and that was closed again. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 1}`;
}

/** The distinct kube-burner documents a run folder holds (identical documents are one, as in kube-burner). */
async function folderDocumentIds(dir: string): Promise<Set<string>> {
  const batches = await runFolderBatches(dir);
  return new Set(batches.filter((b) => !b.burnOwn).flatMap((b) => b.docs.map(documentId)));
}

describe('the opensearch indexer against a real OpenSearch', () => {
  let node: OpenSearchNode;
  let client: SearchClient;
  let scratch: string;
  let config: string;
  let down: string;
  const runs = () => join(scratch, 'runs');

  const count = async (index: string, uuid: string) => Number((await client.ok('POST', `/${index}/_count`, { query: uuidQuery(uuid) })).count);
  const run = (name: string, server: string) =>
    burnCli(['init', '-c', config, '--sim', '--uuid', `${name}-${Math.random().toString(36).slice(2, 8)}`, '--report-dir', join(runs(), name)], { env: { BURN_TEST_ES_SERVER: server } });
  const uuidOf = async (name: string) => (JSON.parse(await readFile(join(runs(), name, 'run.json'), 'utf8')) as { uuid: string }).uuid;

  beforeAll(async () => {
    node = await startOpenSearch();
    client = new SearchClient({ servers: [node.url], insecureSkipVerify: false });
    scratch = await mkdtemp(join(tmpdir(), 'burn-opensearch-'));
    config = join(scratch, 'nightly.yaml');
    await writeFile(config, CONFIG);
    down = await closedUrl();
  }, OPENSEARCH_START_TIMEOUT_MS);

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    await rm(scratch, { recursive: true, force: true });
  }, 120_000);

  it('a --sim run leaves every document of its run folder in OpenSearch: a count by uuid equals the folder', async () => {
    const ran = await run('night-1', node.url);
    expectHealthyExit(ran.code, ran.stderr);
    const uuid = await uuidOf('night-1');
    const expected = await folderDocumentIds(join(runs(), 'night-1'));
    expect(expected.size).toBeGreaterThan(10);
    expect(await count(INDEX, uuid)).toBe(expected.size);
    // burn's own documents, whole, in their own index.
    expect(await count(`${INDEX}-burn`, uuid)).toBe(2);
    const own = await client.ok('GET', `/${INDEX}-burn/_doc/${encodeURIComponent(`${uuid}/run.json`)}`);
    expect(own._source.body).toEqual(JSON.parse(await readFile(join(runs(), 'night-1', 'run.json'), 'utf8')));
    expect(ran.stderr).toContain(`${expected.size} document(s) in ${INDEX}, 2 of burn's in ${INDEX}-burn`);
  }, RUN_TIMEOUT_MS);

  it('with the indexer down the run folder keeps everything, the message says how to send it, and burn index sends it once', async () => {
    const ran = await run('night-2', down);
    // The documents did not reach the store: the run says so with exit 1 (documented), its verdict stays in the folder.
    expect(ran.code, ran.stderr).toBe(1);
    const dir = join(runs(), 'night-2');
    expect(ran.stderr).toMatch(/opensearch indexer: GET \/_cluster\/health failed after 6 tries \(http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\)/);
    expect(ran.stderr).toContain(`nothing is lost: the run folder ${dir} holds every document; send them when the indexer is back with: burn index ${dir} --es-server ${down} --es-index ${INDEX} --indexer-type opensearch`);
    const uuid = await uuidOf('night-2');
    const slo = JSON.parse(await readFile(join(dir, 'slo.json'), 'utf8')) as { exitCode: number };
    expect([0, 5]).toContain(slo.exitCode);
    expect(await count(INDEX, uuid)).toBe(0);

    const expected = await folderDocumentIds(dir);
    const sent = await burnCli(['index', dir, '--es-server', node.url, '--es-index', INDEX, '--indexer-type', 'opensearch']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`run ${uuid}: `);
    expect(await count(INDEX, uuid)).toBe(expected.size);
    expect(await count(`${INDEX}-burn`, uuid)).toBe(2);
    // Sending again replaces the same documents (their _id is their sha256): nothing doubles.
    const again = await burnCli(['index', dir, '--es-server', node.url, '--es-index', INDEX, '--indexer-type', 'opensearch']);
    expect(again.code, again.stderr).toBe(0);
    expect(await count(INDEX, uuid)).toBe(expected.size);
    expect(await count(`${INDEX}-burn`, uuid)).toBe(2);
  }, RUN_TIMEOUT_MS);

  it("an index kube-burner created (plain dynamic mapping) takes burn's documents that mix whole and fractional numbers, and keeps its own templates", async () => {
    const index = `${INDEX}-kb`;
    const ownTemplate = { strings_as_keywords: { match_mapping_type: 'string', mapping: { type: 'keyword' } } };
    await client.ok('PUT', `/${index}`, { mappings: { dynamic_templates: [ownTemplate] } });
    await client.ok('POST', `/${index}/_doc?refresh=true`, { uuid: 'kb-run', metricName: 'podLatencyMeasurement', podReadyLatency: 1200 });
    // As kube-burner's index maps them, these lists (apiLatency's bounds, a scrape's dataItems) are refused as long-to-float.
    const mixed = { uuid: 'burn-run', metricName: 'apiLatencyMeasurement', histogram: { boundsMs: [1, 1.19, 1.41, 2] }, dataItems: [{ data: { Perc50: 2 } }, { data: { Perc50: 0.5 } }], podReadyLatency: 800.5 };
    const session = await openSearchSession({ type: 'opensearch', esServers: [node.url], defaultIndex: index, insecureSkipVerify: false }, 'burn-run');
    expect(await session.index({ metricName: 'apiLatencyMeasurement', docs: [mixed] })).toContain('1 document(s)');
    const said = await session.close();
    expect(said[0]).toBe(`added the dynamic templates whole_numbers_as_double, fractions_as_double to ${index} (new numeric fields as double)`);
    const mapping = (await client.ok('GET', `/${index}/_mapping`))[index].mappings;
    expect(mapping.dynamic_templates.map((t: object) => Object.keys(t)[0])).toEqual(['strings_as_keywords', 'whole_numbers_as_double', 'fractions_as_double']);
    expect(mapping.properties.histogram.properties.boundsMs.type).toBe('double');
    expect(mapping.properties.podReadyLatency.type).toBe('long'); // kube-burner's field keeps its type
    expect(await count(index, 'burn-run')).toBe(1);
    // A second session finds the templates there and changes nothing.
    const again = await openSearchSession({ type: 'opensearch', esServers: [node.url], defaultIndex: index, insecureSkipVerify: false }, 'burn-run');
    expect((await again.close())[0]).toMatch(/^opensearch indexer .*: 0 document\(s\) in /);
  }, RUN_TIMEOUT_MS);

  it('burn history over the runs in OpenSearch equals burn history over their folders', async () => {
    const ran = await run('night-3', node.url);
    expectHealthyExit(ran.code, ran.stderr);
    const fromFolders = await burnCli(['history', runs(), '--format', 'json']);
    const fromStore = await burnCli(['history', '--es-server', node.url, '--index', INDEX, '--format', 'json']);
    expect(fromStore.code, fromStore.stderr).toBe(fromFolders.code);
    const comparable = (text: string) => {
      const report = JSON.parse(text) as { runs: Array<{ dir?: string }>; metrics: Array<{ changePoints: Array<{ dir?: string }> }>; store?: string; skipped?: unknown };
      for (const r of report.runs) delete r.dir;
      for (const m of report.metrics) for (const c of m.changePoints) delete c.dir;
      delete report.store;
      return report;
    };
    const folders = comparable(fromFolders.stdout);
    expect(folders.runs.length).toBe(3);
    expect(folders.metrics.length).toBeGreaterThan(5);
    expect(comparable(fromStore.stdout)).toEqual(folders);
  }, RUN_TIMEOUT_MS);

  it('burn diff with the baseline history in OpenSearch judges a run as with the same history in folders', async () => {
    const ran = await run('night-4', node.url);
    expectHealthyExit(ran.code, ran.stderr);
    const candidate = join(runs(), 'night-4');
    const fromFolders = await burnCli(['diff', '--baseline-history', runs(), candidate, '--format', 'json']);
    const fromStore = await burnCli(['diff', '--es-server', node.url, '--index', INDEX, candidate, '--format', 'json']);
    expect(fromStore.code, fromStore.stderr).toBe(fromFolders.code);
    const comparable = (text: string) => {
      const report = JSON.parse(text) as { baseline: { spec: string; runs: Array<{ dir?: string }> }; comparison: { metrics: Array<{ noise: { method: string } }> } };
      for (const r of report.baseline.runs) delete r.dir;
      report.baseline.spec = report.baseline.spec.replace(/^.*?: /, '');
      return report;
    };
    const folders = comparable(fromFolders.stdout);
    // The three nights before it, never the candidate itself (it is in both stores too).
    expect(folders.baseline.runs).toHaveLength(3);
    expect(folders.baseline.spec).toMatch(/^the newest 3 run\(s\) before the candidate with config-digest=[0-9a-f]+, target=sim$/);
    expect(folders.comparison.metrics.some((m) => m.noise.method === 'series')).toBe(true);
    expect(comparable(fromStore.stdout)).toEqual(folders);
    expect(JSON.parse(fromStore.stdout).baseline.spec).toContain(`index ${INDEX}: the newest 3 run(s)`);
  }, RUN_TIMEOUT_MS);

  it('burn import and burn check-alerts with --es-server and --es-index send their documents to OpenSearch, as kube-burner', async () => {
    // A metrics tarball as a local indexer packs it: <metricName>.json files.
    const collected = join(scratch, 'collected');
    await mkdir(collected);
    const docs = [1, 2, 3].map((value) => ({ metricName: 'depth', uuid: 'imported-1', value, timestamp: new Date(Date.UTC(2026, 10, 30, 0, value)).toISOString() }));
    await writeFile(join(collected, 'depth.json'), JSON.stringify(docs));
    await writeFile(join(collected, 'depthMax.json'), JSON.stringify([{ metricName: 'depthMax', uuid: 'imported-1', value: 3 }]));
    const tarball = join(scratch, 'metrics.tgz');
    await packMetricsDirectory(collected, tarball);
    // kube-burner's e2e suite passes --metrics-directory too: taken, not used, said.
    const imported = await burnCli(['import', '--tarball', tarball, '--es-server', node.url, '--es-index', `${INDEX}-imported`, '--metrics-directory', join(scratch, 'unused')]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`--metrics-directory ${join(scratch, 'unused')} is not used: with --es-server and --es-index the documents go to Elasticsearch / OpenSearch`);
    await expect(readdir(join(scratch, 'unused'))).rejects.toThrow(/ENOENT/);
    expect(imported.stdout).toContain(`imported 4 document(s) from 2 file(s) of ${tarball} into index ${INDEX}-imported of ${node.url}`);
    expect(await count(`${INDEX}-imported`, 'imported-1')).toBe(4);

    // Fired alerts as kube-burner's alert documents.
    const registry = new Registry();
    new Gauge({ name: 'burn_queue_depth', help: 'test gauge', labelNames: ['queue'], registers: [registry] }).set({ queue: 'a' }, 7);
    const exporter = await serveRegistry(registry);
    const prometheus = await startPrometheus([{ url: exporter.url }]);
    try {
      const start = Math.floor(Date.now() / 1000);
      await prometheus.waitForScrapes(3);
      const end = Math.ceil(Date.now() / 1000);
      await writeFile(join(scratch, 'alerts.yml'), '- expr: burn_queue_depth > 5\n  description: queue {{$labels.queue}} is {{$value}} deep\n  severity: warning\n');
      const alerts = await burnCli(['check-alerts', '-u', prometheus.url, '-a', join(scratch, 'alerts.yml'), '--start', String(start), '--end', String(end), '-s', '1s', '--uuid', 'alerted-1', '--es-server', node.url, '--es-index', `${INDEX}-alerts`, '--metrics-directory', join(scratch, 'unused')]);
      expect(alerts.code, alerts.stderr).toBe(0);
      expect(alerts.stderr).toContain(`--metrics-directory ${join(scratch, 'unused')} is not used`);
      expect(alerts.stdout).toContain('1 alert(s) fired');
      const found = await client.ok('POST', `/${INDEX}-alerts/_search`, { query: uuidQuery('alerted-1') });
      expect(found.hits.hits.map((h: { _source: object }) => h._source)).toEqual([{ timestamp: expect.stringMatching(/^\d{4}-/), uuid: 'alerted-1', severity: 'warning', description: 'queue a is 7 deep', metricName: 'alert' }]);
    } finally {
      await prometheus.stop();
      await exporter.close();
    }
  }, RUN_TIMEOUT_MS);
});
