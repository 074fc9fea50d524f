/**
 * kube-burner's tsdb indexer: documents become Prometheus TSDB blocks, read back by Debian's promtool
 * (Prometheus' own TSDB reader, which checks every checksum), sample for sample.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TsdbIndexerSettings } from '../../src/config/types.js';
import { indexers, sendToIndexers, unpackTarGz } from '../../src/indexers/index.js';
import { crc32c, writeBlock, type BlockSample } from '../../src/indexers/tsdb-block.js';
import { documentSamples, rfc3339ToMs } from '../../src/indexers/tsdb-samples.js';
import { createLogger } from '../../src/shared/log.js';
import { load, podTemplate } from '../config/helpers.js';

const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'burn-tsdb-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Dumped {
  labels: Record<string, string>;
  value: number;
  t: number;
}

/** Every sample of the blocks in `dir`, as `promtool tsdb dump` prints them: `{a="b", ...} value timestamp`. */
function promtoolDump(dir: string, match?: string): Dumped[] {
  mkdirSync(join(dir, 'wal'), { recursive: true }); // promtool opens the folder as a Prometheus storage folder
  const out = execFileSync(PROMTOOL, ['tsdb', 'dump', ...(match ? [`--match=${match}`] : []), dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^\{(.*)\} (\S+) (-?\d+)$/.exec(line);
      if (!m) throw new Error(`promtool printed an unexpected line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of m[1]!.matchAll(/([^=, ]+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = JSON.parse(`"${pair[2]!}"`) as string;
      const value = m[2] === '+Inf' ? Infinity : m[2] === '-Inf' ? -Infinity : Number(m[2]); // Go's float formatting
      return { labels, value, t: Number(m[3]) };
    });
}

const key = (d: { labels: Record<string, string>; t: number }) => `${JSON.stringify(Object.entries(d.labels).sort())}@${d.t}`;

function expectSameSamples(dumped: Dumped[], expected: BlockSample[]): void {
  const want = new Map(expected.map((s) => [key({ labels: s.labels, t: s.timestampMs }), s.value]));
  expect(dumped.length).toBe(want.size);
  for (const d of dumped) {
    expect(want.has(key(d)), `${key(d)} not written`).toBe(true);
    expect(Object.is(d.value, want.get(key(d))) || (Number.isNaN(d.value) && Number.isNaN(want.get(key(d))!)), `${key(d)}: ${d.value} != ${want.get(key(d))}`).toBe(true);
  }
}

describe('TSDB blocks', () => {
  it('CRC-32C is the Castagnoli checksum (its check value for "123456789")', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('promtool reads back every sample exactly: long series cut into chunks, every timestamp and value encoding', async () => {
    const base = Date.parse('2026-11-30T10:00:00Z');
    const samples: BlockSample[] = [];
    // Regular 30 s steps, jitter of every size the delta-of-delta encoding has (14, 17, 20 and 64 bits),
    // repeated values, tiny and huge values, negatives, NaN and infinities.
    const jitter = [0, 0, 1, -1, 8_000, -8_000, 60_000, -60_000, 500_000, -500_000, 3_000_000_000];
    let t = base;
    for (let i = 0; i < 400; i++) {
      t += 30_000 + jitter[i % jitter.length]!;
      const value = [i, i, 0.1 * i, -i * 1e-9, 1e300, Number.NaN, Infinity, -Infinity, 42, 42, 2 ** 53][i % 11]!;
      samples.push({ labels: { __name__: 'node_cpu', instance: 'a:9100', mode: i % 2 ? 'user' : 'system' }, timestampMs: t, value });
    }
    samples.push({ labels: { __name__: 'node_cpu', instance: 'ü-node' }, timestampMs: base, value: -0.5 });
    samples.push({ labels: { __name__: 'up' }, timestampMs: base - 86_400_000, value: 1 });
    const dir = tempDir();
    const block = await writeBlock(dir, samples);
    expect(block).toMatchObject({ series: 4, samples: 402, duplicates: 0, minTimeMs: base - 86_400_000 });
    expect(block.chunks).toBe(2 + 2 + 1 + 1); // 200 samples per mode: two chunks of at most 120 each
    const meta = JSON.parse(readFileSync(join(block.dir, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ ulid: block.ulid, stats: { numSamples: 402, numSeries: 4, numChunks: 6 }, version: 1 });
    expectSameSamples(promtoolDump(dir), samples);
    // Selecting by label reads the postings: each selection finds exactly its series.
    expectSameSamples(promtoolDump(dir, '{mode="user"}'), samples.filter((s) => s.labels.mode === 'user'));
    expectSameSamples(promtoolDump(dir, '{instance="ü-node"}'), samples.filter((s) => s.labels.instance === 'ü-node'));
    expectSameSamples(promtoolDump(dir, '{__name__="up"}'), samples.filter((s) => s.labels.__name__ === 'up'));
    const analyzed = execFileSync(PROMTOOL, ['tsdb', 'analyze', dir, block.ulid], { encoding: 'utf8' });
    expect(analyzed).toContain('Series: 4');
  });

  it('keeps the first of two samples of a series at one timestamp, as Prometheus does, and counts the other', async () => {
    const dir = tempDir();
    const t = Date.parse('2026-11-30T10:00:00Z');
    const block = await writeBlock(dir, [
      { labels: { __name__: 'x' }, timestampMs: t, value: 1 },
      { labels: { __name__: 'x' }, timestampMs: t, value: 2 },
    ]);
    expect(block.duplicates).toBe(1);
    expect(promtoolDump(dir).map((d) => d.value)).toEqual([1]);
  });
});

describe("kube-burner's documents as samples", () => {
  it('reads RFC 3339 timestamps to the millisecond, truncating finer fractions', () => {
    expect(rfc3339ToMs('2026-11-30T10:00:00Z')).toBe(Date.parse('2026-11-30T10:00:00Z'));
    expect(rfc3339ToMs('2026-11-30T10:00:00.123456789Z')).toBe(Date.parse('2026-11-30T10:00:00Z') + 123);
    expect(rfc3339ToMs('2026-11-30T12:00:00.5+02:00')).toBe(Date.parse('2026-11-30T10:00:00Z') + 500);
    expect(rfc3339ToMs('yesterday')).toBeUndefined();
    expect(rfc3339ToMs(1700000000)).toBeUndefined();
  });

  it("a metric profile's document is one sample with its labels, uuid and job_name; a measurement's is one per number", () => {
    const timestamp = '2026-11-30T10:00:00Z';
    const t = Date.parse(timestamp);
    expect(documentSamples({ timestamp, value: 0.25, labels: { pod: 'p', n: 3 }, uuid: 'u', jobName: 'j', metricName: 'cpu', query: 'rate(x[1m])' }, 'cpu')).toEqual([
      { labels: { __name__: 'cpu', pod: 'p', uuid: 'u', job_name: 'j' }, timestampMs: t, value: 0.25 },
    ]);
    const quantiles = documentSamples({ timestamp, quantileName: 'Ready', P99: 1200, P50: 800, avg: 850.5, uuid: 'u', jobName: 'j', metricName: 'podLatencyQuantilesMeasurement', metadata: { k: 'v' }, ok: true, empty: '' }, 'podLatencyQuantilesMeasurement-j');
    expect(quantiles.sort((a, b) => (a.labels.field! < b.labels.field! ? -1 : 1))).toEqual(
      [['P50', 800], ['P99', 1200], ['avg', 850.5]].map(([field, value]) => ({ labels: { __name__: 'podLatencyQuantilesMeasurement-j', field, quantileName: 'Ready', uuid: 'u', jobName: 'j' }, timestampMs: t, value })),
    );
    expect(documentSamples({ value: 1, metricName: 'm' }, 'm')).toEqual([]); // no timestamp
    expect(documentSamples({ timestamp, name: 'only strings' }, 'm')).toEqual([]);
    expect(documentSamples({ timestamp, value: 1, metricName: 'from-doc' }, '')).toEqual([{ labels: { __name__: 'from-doc' }, timestampMs: t, value: 1 }]);
  });
});

describe('the tsdb indexer', () => {
  it("decodes type: tsdb with the local indexer's keys and defaults", async () => {
    const job = 'jobs:\n  - name: j\n    namespace: n\n    objects: [{objectTemplate: pod.yaml}]\n';
    const config = await load({ 'config.yaml': `metricsEndpoints:\n  - indexer: {type: tsdb}\n  - indexer: {type: tsdb, metricsDirectory: blocks, createTarball: true, tarballName: b.tgz}\n${job}`, 'pod.yaml': podTemplate });
    expect(config.metricsEndpoints.map((e) => e.indexer)).toEqual([
      { type: 'tsdb', metricsDirectory: 'collected-metrics-{{.UUID}}', createTarball: false, tarballName: 'kube-burner-metrics.tgz' },
      { type: 'tsdb', metricsDirectory: 'blocks', createTarball: true, tarballName: 'b.tgz' },
    ]);
  });

  it('writes a block per batch in metricsDirectory, which promtool reads, and packs the folder with createTarball', async () => {
    const cwd = tempDir();
    const settings: TsdbIndexerSettings = { type: 'tsdb', metricsDirectory: 'blocks', createTarball: true, tarballName: 'blocks.tgz' };
    const timestamp = '2026-11-30T10:00:00Z';
    const batches = [
      { metricName: 'prometheusRSS', docs: [{ timestamp, value: 2.5e8, labels: { pod: 'prometheus-0' }, uuid: 'u1', jobName: 'j', metricName: 'prometheusRSS' }, { timestamp: '2026-11-30T10:00:30Z', value: 2.6e8, labels: { pod: 'prometheus-0' }, uuid: 'u1', jobName: 'j', metricName: 'prometheusRSS' }] },
      { metricName: 'jobSummary', docs: [{ timestamp, elapsedTime: 12.5, jobIterations: 3, jobName: 'j', uuid: 'u1', metricName: 'jobSummary', passed: true }] },
      { metricName: 'noNumbers', docs: [{ timestamp, name: 'x' }] },
      { metricName: 'run', docs: [{ uuid: 'u1' }], burnOwn: true },
    ];
    const errors = await sendToIndexers([{ endpoint: 0, where: 'metrics endpoint 1', settings }], batches, { uuid: 'u1', cwd }, createLogger('error', () => {}));
    expect(errors).toEqual([]);
    const blocks = readdirSync(join(cwd, 'blocks')).sort();
    expect(blocks).toHaveLength(2); // no block for a batch without numbers, nor for burn's own documents
    const dumped = promtoolDump(join(cwd, 'blocks'));
    expect(dumped.map((d) => `${d.labels.__name__}${d.labels.field ? `.${d.labels.field}` : ''}=${d.value}`).sort()).toEqual(['jobSummary.elapsedTime=12.5', 'jobSummary.jobIterations=3', 'prometheusRSS=250000000', 'prometheusRSS=260000000']);
    expect(dumped.find((d) => d.labels.__name__ === 'prometheusRSS')!.labels).toEqual({ __name__: 'prometheusRSS', pod: 'prometheus-0', uuid: 'u1', job_name: 'j' });
    const packed = unpackTarGz(readFileSync(join(cwd, 'blocks.tgz'))).map((e) => e.name).sort();
    expect(packed).toEqual(blocks.flatMap((b) => [`${b}/chunks/000001`, `${b}/index`, `${b}/meta.json`, `${b}/tombstones`]).sort());
  });

  it("is checked before a run as the local indexer is: a metricsDirectory that is a file is refused, naming the key", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'x'));
    execFileSync('touch', [join(cwd, 'x', 'taken')]);
    const settings: TsdbIndexerSettings = { type: 'tsdb', metricsDirectory: 'x/taken', createTarball: false, tarballName: 't.tgz' };
    await expect((await indexers.tsdb()).check(settings, { uuid: 'u', cwd }, (k) => `metrics endpoint 1 ${k}`)).rejects.toThrow(/metrics endpoint 1 metricsDirectory .*taken: exists and is not a folder/);
    expect(existsSync(join(cwd, 'x', 'taken'))).toBe(true);
  });
});
