/**
 * `burn index`, `burn import` and `check-alerts --metrics-directory` against Debian's real Prometheus
 * scraping a 127.0.0.1 exporter: the documents kube-burner's local indexer would write, under its
 * file names, and a tarball that `burn import` reads back.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheckAlerts } from '../../src/cli/check-alerts.js';
import { runImport } from '../../src/cli/import.js';
import { runIndex } from '../../src/cli/index-cmd.js';
import { burn } from '../helpers/burn-cli.js';
import { serveRegistry, startPrometheus, type RunningPrometheus } from '../measure/prometheus-harness.js';

type Doc = Record<string, unknown>;

describe('burn index / import / check-alerts --metrics-directory against a real Prometheus', () => {
  const registry = new Registry();
  const gauge = new Gauge({ name: 'burn_index_depth', help: 'test gauge', labelNames: ['queue'], registers: [registry] });
  let exporter: Awaited<ReturnType<typeof serveRegistry>>;
  let prometheus: RunningPrometheus;
  let dir: string;
  let startS: number;
  let endS: number;
  const out = new PassThrough();
  const said: string[] = [];
  out.on('data', (c: Buffer) => said.push(c.toString()));

  const json = async (path: string) => JSON.parse(await readFile(join(dir, path), 'utf8')) as Doc[];
  const flags = (over: Record<string, unknown> = {}) => ({
    prometheusUrl: prometheus.url,
    metricsProfile: [join(dir, 'metrics.yml')],
    skipTlsVerify: true,
    step: 1000,
    start: startS * 1000,
    end: endS * 1000,
    jobName: 'kube-burner-indexing',
    metricsDirectory: 'collected-metrics-{{.UUID}}',
    indexerType: 'local',
    logLevel: 'error' as const,
    ...over,
  });

  beforeAll(async () => {
    exporter = await serveRegistry(registry);
    gauge.set({ queue: 'a' }, 7);
    prometheus = await startPrometheus([{ url: exporter.url }]);
    // After the first scrape (startPrometheus waits for it), so the instant query at the start finds a sample.
    startS = Math.ceil(Date.now() / 1000);
    await prometheus.waitForScrapes(3);
    endS = Math.ceil(Date.now() / 1000);
    dir = await mkdtemp(join(tmpdir(), 'burn-index-'));
    await writeFile(join(dir, 'metrics.yml'), '- query: burn_index_depth\n  metricName: depth\n- query: max_over_time(burn_index_depth[{{.elapsed}}])\n  metricName: depthMax\n  instant: true\n- query: burn_index_depth\n  metricName: depthNow\n  instant: true\n  captureStart: true\n');
    await writeFile(join(dir, 'meta.yml'), 'team: perf\n');
    await writeFile(join(dir, 'alerts.yml'), '- expr: burn_index_depth > 5\n  description: queue {{$labels.queue}} is {{$value}} deep\n  severity: warning\n');
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("index writes each metric's documents to collected-metrics-<uuid>/<metricName>.json, with --user-metadata, and a tarball that import reads back", async () => {
    const code = await runIndex({ ...flags(), uuid: 'idx-1', userMetadata: join(dir, 'meta.yml'), tarballName: 'm.tgz' }, dir);
    expect(code).toBe(0);
    expect((await readdir(join(dir, 'collected-metrics-idx-1'))).sort()).toEqual(['depth.json', 'depthMax.json', 'depthNow-start.json', 'depthNow.json']);
    expect((await json('collected-metrics-idx-1/depthNow-start.json')).map((d) => [d.metricName, d.timestamp])).toEqual([['depthNow-start', new Date(startS * 1000).toISOString()]]);
    const depth = await json('collected-metrics-idx-1/depth.json');
    expect(depth.length).toBeGreaterThanOrEqual(2);
    for (const d of depth) expect(d.labels).toEqual({ instance: expect.any(String), job: 'target-0', queue: 'a' });
    for (const d of depth) expect(d).toMatchObject({ metricName: 'depth', uuid: 'idx-1', jobName: 'kube-burner-indexing', query: 'burn_index_depth', value: 7, labels: { queue: 'a' }, metadata: { team: 'perf' } });
    const max = await json('collected-metrics-idx-1/depthMax.json');
    expect(max).toEqual([expect.objectContaining({ metricName: 'depthMax', value: 7, query: `max_over_time(burn_index_depth[${endS - startS}s])` })]);

    expect(await runImport({ tarball: join(dir, 'm.tgz'), metricsDirectory: 'imported', logLevel: 'error' }, dir)).toBe(0);
    expect(await json('imported/depth.json')).toEqual(depth);
    expect(await json('imported/depthMax.json')).toEqual(max);
  });

  it('index -e takes the endpoints of a file; a --metrics-directory flag replaces their default folder', async () => {
    await writeFile(join(dir, 'endpoints.yml'), `- endpoint: ${prometheus.url}\n  step: 1s\n  metrics: [metrics.yml]\n  indexer: {type: local}\n- endpoint: ${prometheus.url}\n  alerts: [alerts.yml]\n`);
    const code = await runIndex({ ...flags(), uuid: 'idx-2', metricsEndpoint: join(dir, 'endpoints.yml'), metricsDirectory: 'from-flag' }, dir);
    expect(code).toBe(0);
    expect((await readdir(join(dir, 'from-flag'))).sort()).toEqual(['depth.json', 'depthMax.json', 'depthNow-start.json', 'depthNow.json']);
  });

  it('check-alerts --metrics-directory writes the fired alerts as kube-burner alert documents', async () => {
    const code = await runCheckAlerts({ prometheusUrl: prometheus.url, alertProfile: [join(dir, 'alerts.yml')], start: startS * 1000, end: endS * 1000, step: 1000, uuid: 'al-1', metricsDirectory: join(dir, 'alerts-out') }, out);
    expect(code).toBe(0);
    const alerts = await json('alerts-out/alert.json');
    expect(alerts).toEqual([{ timestamp: expect.stringMatching(/^\d{4}-/), uuid: 'al-1', severity: 'warning', description: 'queue a is 7 deep', metricName: 'alert' }]);
  });

  it('through the CLI: kube-burner flags (-m comma list, -s, --skip-tls-verify=false), an unreachable Prometheus named by its flag', async () => {
    const ok = await burn('index', '-u', prometheus.url, '-m', `${join(dir, 'metrics.yml')},${join(dir, 'metrics.yml')}`, '-s', '1s', '--start', String(startS), '--end', String(endS), '--uuid', 'cli-1', '--metrics-directory', join(dir, 'cli'), '--skip-tls-verify=false', '-j', 'my-job');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/indexed \d+ document\(s\) of .* uuid cli-1/);
    const depth = await json('cli/depth.json');
    expect(new Set(depth.map((d) => d.jobName))).toEqual(new Set(['my-job']));
    const down = await burn('index', '-u', 'http://127.0.0.1:1', '-m', join(dir, 'metrics.yml'), '--metrics-directory', join(dir, 'never'));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^error: -u\/--prometheus-url http:\/\/127\.0\.0\.1:1: cannot reach Prometheus/m);
    expect(down.stderr).not.toMatch(/^\s+at /m);
    await expect(readdir(join(dir, 'never'))).rejects.toThrow(/ENOENT/);
  }, 60_000);
});
