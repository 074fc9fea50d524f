/**
 * Indexers: where documents go besides the run folder, as kube-burner's `metricsEndpoints[].indexer`
 * says (the typed map `indexers`, one module per type); which documents go to which indexer (route);
 * `burn index` and `burn import`.
 */
export { indexers, indexerFor, configuredIndexers, checkIndexers, sendToIndexers, sendRunToIndexers, type ConfiguredIndexer } from './send.js';
export { runFolderBatches, burnOwnBatches } from './run-folder-batches.js';
export { burnIndexOf, documentId } from './opensearch.js';
export { SearchClient, SearchServerError } from './opensearch-client.js';
export { openSearchStore } from './opensearch-store.js';
export { runBatches, alertBatch, type JobResults, type RoutedBatch } from './route.js';
export { metricsDirectoryOf } from './local.js';
export { indexRange, type IndexRangeOptions, type IndexRangeOutcome } from './index-range.js';
export { importTarball, type ImportOptions } from './import.js';
export { packTarGz, unpackTarGz, type TarEntry } from './tarball.js';
export type * from './types.js';
