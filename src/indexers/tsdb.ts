/**
 * kube-burner's `tsdb` indexer (go-commons v2.3.2 indexers/tsdb.go): each batch of documents becomes one
 * Prometheus TSDB block in `metricsDirectory` (samples as kube-burner maps them, tsdb-samples.ts), so
 * Prometheus (`--storage.tsdb.path`) or promtool reads a run's figures as series. `createTarball` packs
 * the folder as the local indexer does.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TsdbIndexerSettings } from '../config/index.js';
import { checkMetricsDirectory, metricsDirectoryOf, packMetricsDirectory } from './local.js';
import { writeBlock } from './tsdb-block.js';
import { documentSamples } from './tsdb-samples.js';
import type { DocumentBatch, Indexer, IndexerSession } from './types.js';

class TsdbSession implements IndexerSession {
  readonly description: string;

  constructor(
    private readonly dir: string,
    private readonly tarball: string | undefined,
  ) {
    this.description = `tsdb indexer ${dir}`;
  }

  async index({ metricName, docs, burnOwn }: DocumentBatch): Promise<string> {
    if (burnOwn) return `${metricName}: burn's own documents stay in the run folder`;
    const samples = docs.flatMap((doc) => documentSamples(doc, metricName));
    // kube-burner writes no block for such a batch either (documents without a timestamp or a number).
    if (samples.length === 0) return `${metricName}: none of its ${docs.length} document(s) has a timestamp and a number, so no TSDB block was written`;
    const block = await writeBlock(this.dir, samples);
    const dropped = block.duplicates ? `; ${block.duplicates} sample(s) repeated a series' timestamp and were left out, as Prometheus does` : '';
    return `${metricName}: TSDB block ${block.dir} holds ${block.samples} sample(s) in ${block.series} series from ${docs.length} document(s)${dropped}`;
  }

  async close(): Promise<string[]> {
    return this.tarball ? [await packMetricsDirectory(this.dir, this.tarball)] : [];
  }
}

export const tsdbIndexer: Indexer<TsdbIndexerSettings> = {
  type: 'tsdb',
  check: checkMetricsDirectory,
  async open(settings, ctx) {
    const dir = metricsDirectoryOf(settings, ctx);
    await mkdir(dir, { recursive: true });
    return new TsdbSession(dir, settings.createTarball ? resolve(ctx.cwd, settings.tarballName) : undefined);
  },
};
