/** The configured indexers of a run: checked before it starts, sent its documents after its folder is written. */
import { indexerAlias, type IndexerSettings, type MetricsEndpoint } from '../config/index.js';
import type { Logger } from '../shared/log.js';
import { runBatches, type JobResults, type RoutedBatch } from './route.js';
import { burnOwnBatches } from './run-folder-batches.js';
import type { RunRecord } from '../report/index.js';
import type { Indexer, IndexerType, OpenContext, SettingsOf } from './types.js';

/**
 * Every indexer type burn has, by kube-burner's `indexer.type`: each entry loads its module when a
 * run uses that type (the search indexers bring an HTTP client, tsdb a block writer; most runs use neither).
 */
export const indexers: { [T in IndexerType]: () => Promise<Indexer<SettingsOf<T>>> } = {
  local: async () => (await import('./local.js')).localIndexer,
  tsdb: async () => (await import('./tsdb.js')).tsdbIndexer,
  opensearch: async () => (await import('./opensearch.js')).opensearchIndexer,
  elastic: async () => (await import('./opensearch.js')).elasticIndexer,
};

/** The indexer of `settings`' type (the map's entry for that type takes settings of that type). */
export async function indexerFor(settings: IndexerSettings): Promise<Indexer> {
  return (await indexers[settings.type]()) as Indexer;
}

/** An indexer of the config: its endpoint's position and how messages name it. */
export interface ConfiguredIndexer {
  endpoint: number;
  /** kube-burner's name of the indexer: the endpoint's alias, or indexer-<position>. */
  alias?: string;
  where: string;
  settings: IndexerSettings;
  /** How messages name a setting; `<where> <key>` when not given (flags name themselves). */
  nameOf?: (key: string) => string;
}

export function configuredIndexers(endpoints: MetricsEndpoint[]): ConfiguredIndexer[] {
  return endpoints.flatMap((e, i) => (e.indexer ? [{ endpoint: i, alias: indexerAlias(e, i), where: `metrics endpoint ${i + 1}${e.alias ? ` (${e.alias})` : ''}`, settings: e.indexer }] : []));
}

/** Before anything runs: each indexer can do its work (its folder can be written). Throws a UserError. */
export async function checkIndexers(configured: ConfiguredIndexer[], ctx: OpenContext): Promise<void> {
  for (const c of configured) await (await indexerFor(c.settings)).check(c.settings, ctx, c.nameOf ?? ((key) => `${c.where} ${key}`));
}

/**
 * Sends every batch to the indexers it is routed to; an indexer that fails is reported and the
 * others carry on. Returns the failures (empty when everything was indexed).
 */
export async function sendToIndexers(configured: ConfiguredIndexer[], batches: RoutedBatch[], ctx: OpenContext, log: Logger): Promise<string[]> {
  const errors: string[] = [];
  for (const c of configured) {
    const indexer = await indexerFor(c.settings);
    let failed = false;
    const fail = (err: unknown) => {
      failed = true;
      errors.push(`${c.where}: ${c.settings.type} indexer: ${err instanceof Error ? err.message : String(err)}`);
      log.error(errors.at(-1)!);
    };
    const session = await indexer.open(c.settings, ctx).catch(fail);
    if (!session) continue;
    for (const batch of batches) {
      if ((batch.endpoint !== undefined && batch.endpoint !== c.endpoint) || (batch.alias !== undefined && batch.alias !== c.alias) || batch.docs.length === 0) continue;
      await session.index(batch).then((said) => log.debug(said), fail);
    }
    await session.close().then((said) => said.forEach((s) => log.info(s)), fail);
    if (!failed) log.info(`${c.where}: documents written by the ${session.description}`);
  }
  for (const c of configured) {
    const resend = (await indexerFor(c.settings)).resendCommand;
    if (errors.some((e) => e.startsWith(`${c.where}: `)) && resend && ctx.runFolder) {
      log.error(`${c.where}: nothing is lost: the run folder ${ctx.runFolder} holds every document; send them when the indexer is back with: ${resend(c.settings, ctx.runFolder)}`);
    }
  }
  return errors;
}

/**
 * After a run (or `burn measure`) wrote its folder: every document of it to every configured
 * indexer, burn's own (run.json, slo.json, read back from the folder) included. Returns the failures.
 */
export async function sendRunToIndexers(configured: ConfiguredIndexer[], record: RunRecord, jobs: JobResults[], runFolder: string, log: Logger): Promise<string[]> {
  if (configured.length === 0) return [];
  // Without a run folder (its writing failed, and said so) there are no files of burn's own to send.
  const own = await burnOwnBatches(runFolder).catch(() => []);
  return sendToIndexers(configured, [...runBatches(record, jobs), ...own], { uuid: record.uuid, cwd: process.cwd(), runFolder }, log);
}
