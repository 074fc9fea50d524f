/**
 * Indexers: where documents go besides the run folder, as kube-burner's `metricsEndpoints[].indexer`
 * says (the typed map `indexers`, one module per type, each loaded when a run uses it); which documents
 * go to which indexer (route); `burn index` and `burn import`, whose code loads when they run.
 */
import type { ImportOptions } from './import.js';
import type { IndexRangeOptions, IndexRangeOutcome } from './index-range.js';
import type { RunStore } from '../report/index.js';

export { indexers, indexerFor, configuredIndexers, checkIndexers, sendToIndexers, sendRunToIndexers, type ConfiguredIndexer } from './send.js';
export { runFolderBatches, burnOwnBatches } from './run-folder-batches.js';
export { runBatches, alertBatch, type JobResults, type RoutedBatch } from './route.js';
export { metricsDirectoryOf } from './local.js';
export { packTarGz, unpackTarGz, type TarEntry } from './tarball.js';
export type { ImportOptions, IndexRangeOptions, IndexRangeOutcome };
export type * from './types.js';

/** `burn index`: a time range of Prometheus metrics to the indexers. */
export async function indexRange(options: IndexRangeOptions): Promise<IndexRangeOutcome> {
  return (await import('./index-range.js')).indexRange(options);
}

/** `burn import`: a metrics tarball to an indexer. */
export async function importTarball(options: ImportOptions): ReturnType<typeof import('./import.js').importTarball> {
  return (await import('./import.js')).importTarball(options);
}

/** The runs the search indexers sent, as a run store (`burn history --es-server`, `burn diff --baseline-history`). */
export async function openSearchStore(options: { servers: string[]; index: string; insecureSkipVerify: boolean }): Promise<RunStore> {
  return (await import('./opensearch-store.js')).openSearchStore(options);
}
