/**
 * kube-burner's `opensearch` and `elastic` indexers (go-commons indexers/opensearch.go, elastic.go):
 * health check, the index created when missing, then `_bulk` index actions whose `_id` is the sha256
 * of the document, so sending a document again replaces it instead of adding a copy. burn's own
 * documents (run.json, slo.json) go to `<defaultIndex>-burn` under `<uuid>/<file>`. Both types speak
 * the same HTTP API; `elastic` differs only in name.
 */
import { createHash } from 'node:crypto';
import { BURN_INDEX_SUFFIX, redactedServer, type SearchIndexerSettings } from '../config/index.js';
import { SearchClient, type BulkItem, type BulkOutcome } from './opensearch-client.js';
import type { DocumentBatch, Indexer, IndexerSession } from './types.js';

/** The index of burn's own documents beside `defaultIndex`. */
export function burnIndexOf(defaultIndex: string): string {
  return `${defaultIndex}${BURN_INDEX_SUFFIX}`;
}

/**
 * burn's index keeps each run file whole in `_source` without mapping it (`dynamic: false`): run.json
 * holds the user's config, and mapping every key of every config would run into the field limit and
 * into type clashes between runs. The facts a query filters on are mapped.
 */
export const BURN_INDEX_DEFINITION = {
  settings: { number_of_shards: 1 },
  mappings: {
    dynamic: false,
    properties: {
      uuid: { type: 'keyword' },
      file: { type: 'keyword' },
      timestamp: { type: 'date' },
      configFile: { type: 'keyword' },
      configDigest: { type: 'keyword' },
      target: { type: 'keyword' },
      k8sVersion: { type: 'keyword' },
      totalNodes: { type: 'integer' },
      reason: { type: 'keyword' },
      exitCode: { type: 'integer' },
    },
  },
} as const;

/**
 * `defaultIndex`'s new numeric fields: every number a double. With dynamic mapping the first value
 * decides a field's type, and a field that holds 2 and then 0.5 (in one document's list, as a
 * histogram's bounds, or in the next document) is refused as long-to-float. burn creates the index
 * with these templates; an index that exists (kube-burner's, with plain dynamic mapping) gets them
 * added after its own, and its fields keep the types they have.
 */
export const DEFAULT_INDEX_DEFINITION = {
  mappings: {
    dynamic_templates: [
      { whole_numbers_as_double: { match_mapping_type: 'long', mapping: { type: 'double' } } },
      { fractions_as_double: { match_mapping_type: 'double', mapping: { type: 'double' } } },
    ],
  },
} as const;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** kube-burner's document `_id`: the sha256 of its JSON (keys in order, as Go writes a map). */
export function documentId(doc: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(doc))).digest('hex');
}

/**
 * Items of a batch: identical documents are sent once (go-commons skips them as redundant). A
 * document without a uuid (the ClusterLoader2-shaped APIResponsiveness scrape) gets the run's, so
 * every document of a run is found by it.
 */
function batchItems({ docs, ids }: DocumentBatch, uuid: string): BulkItem[] {
  const seen = new Set<string>();
  const items: BulkItem[] = [];
  docs.forEach((raw, i) => {
    const doc = uuid && (raw as { uuid?: unknown }).uuid === undefined ? { ...raw, uuid } : raw;
    const id = ids?.[i] ?? documentId(doc);
    if (seen.has(id)) return;
    seen.add(id);
    items.push({ id, doc });
  });
  return items;
}

function describeOutcome(outcome: BulkOutcome): string {
  return Object.entries(outcome.results)
    .map(([result, n]) => `${result}=${n}`)
    .join(' ');
}

class SearchSession implements IndexerSession {
  readonly description: string;
  private sent = 0;
  private own = 0;

  constructor(
    private readonly client: SearchClient,
    private readonly settings: SearchIndexerSettings,
    private readonly uuid: string,
    /** What opening the session did to the index's mapping, or could not do. */
    private readonly mappingNote?: string,
  ) {
    this.description = `${settings.type} indexer ${client.description} index ${settings.defaultIndex}`;
  }

  async index(batch: DocumentBatch): Promise<string> {
    const index = batch.burnOwn ? burnIndexOf(this.settings.defaultIndex) : this.settings.defaultIndex;
    const items = batchItems(batch, this.uuid);
    const outcome = await this.client.bulk(index, items);
    if (outcome.failed) {
      throw new Error(`${index} refused ${outcome.failed} of ${items.length} ${batch.metricName} document(s): ${outcome.reasons.join('; ')}`);
    }
    if (batch.burnOwn) this.own += items.length;
    else this.sent += items.length;
    return `${batch.metricName}: ${items.length} document(s) to ${index} (${describeOutcome(outcome)})`;
  }

  async close(): Promise<string[]> {
    try {
      // Searches and counts see the documents at once (`burn history` right after a run, tests).
      await this.client.refresh(this.settings.defaultIndex);
      await this.client.refresh(burnIndexOf(this.settings.defaultIndex));
      return [...(this.mappingNote ? [this.mappingNote] : []), `${this.settings.type} indexer ${this.client.description}: ${this.sent} document(s) in ${this.settings.defaultIndex}, ${this.own} of burn's in ${burnIndexOf(this.settings.defaultIndex)}`];
    } finally {
      await this.client.close();
    }
  }
}

/** Opens a session: the servers answer a health check and both indexes exist. */
export async function openSearchSession(settings: SearchIndexerSettings, uuid: string, retry?: { attempts: number; backoffMs: number }): Promise<IndexerSession> {
  const client = new SearchClient({ servers: settings.esServers, insecureSkipVerify: settings.insecureSkipVerify, ...retry });
  try {
    await client.ok('GET', '/_cluster/health');
    await client.ensureIndex(settings.defaultIndex, DEFAULT_INDEX_DEFINITION);
    await client.ensureIndex(burnIndexOf(settings.defaultIndex), BURN_INDEX_DEFINITION);
  } catch (err) {
    await client.close();
    throw err;
  }
  // A store where this writer may not change mappings still takes documents; the session says what may be refused.
  const note = await client.addDynamicTemplates(settings.defaultIndex, DEFAULT_INDEX_DEFINITION.mappings.dynamic_templates).then(
    (added) => (added.length ? `added the dynamic templates ${added.join(', ')} to ${settings.defaultIndex} (new numeric fields as double)` : undefined),
    (err: unknown) => `could not add burn's number templates to ${settings.defaultIndex} (${err instanceof Error ? err.message : String(err)}): a document that mixes whole and fractional numbers in a new field may be refused`,
  );
  return new SearchSession(client, settings, uuid, note);
}

function searchIndexer(type: SearchIndexerSettings['type']): Indexer<SearchIndexerSettings> {
  return {
    type,
    // Servers and index were checked when the config was read; reachability is not a reason to refuse
    // a run: the run folder keeps every document and `burn index` sends them later.
    async check() {},
    open: (settings, ctx) => openSearchSession(settings, ctx.uuid),
    resendCommand: (settings, runFolder) =>
      `burn index ${runFolder} --es-server ${redactedServer(settings.esServers[0]!)} --es-index ${settings.defaultIndex}${settings.type === 'opensearch' ? ' --indexer-type opensearch' : ''}${settings.insecureSkipVerify ? ' --insecure-skip-verify' : ''}`,
  };
}

export const opensearchIndexer = searchIndexer('opensearch');
export const elasticIndexer = searchIndexer('elastic');
