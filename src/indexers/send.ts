/** The configured indexers of a run: checked before it starts, sent its documents after its folder is written. */
import { indexerAlias, type IndexerSettings, type MetricsEndpoint } from '../config/index.js';
import type { Logger } from '../shared/log.js';
import { localIndexer } from './local.js';
import type { RoutedBatch } from './route.js';
import type { Indexer, IndexerType, OpenContext } from './types.js';

/** Every indexer type burn has, by kube-burner's `indexer.type`. */
export const indexers: Record<IndexerType, Indexer> = {
  local: localIndexer,
};

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
  for (const c of configured) await indexers[c.settings.type].check(c.settings, ctx, c.nameOf ?? ((key) => `${c.where} ${key}`));
}

/**
 * Sends every batch to the indexers it is routed to; an indexer that fails is reported and the
 * others carry on. Returns the failures (empty when everything was indexed).
 */
export async function sendToIndexers(configured: ConfiguredIndexer[], batches: RoutedBatch[], ctx: OpenContext, log: Logger): Promise<string[]> {
  const errors: string[] = [];
  for (const c of configured) {
    const fail = (err: unknown) => {
      errors.push(`${c.where}: ${c.settings.type} indexer: ${err instanceof Error ? err.message : String(err)}`);
      log.error(errors.at(-1)!);
    };
    const session = await indexers[c.settings.type].open(c.settings, ctx).catch(fail);
    if (!session) continue;
    for (const batch of batches) {
      if ((batch.endpoint !== undefined && batch.endpoint !== c.endpoint) || (batch.alias !== undefined && batch.alias !== c.alias) || batch.docs.length === 0) continue;
      await session.index(batch).then((said) => log.debug(said), fail);
    }
    await session.close().then((said) => said.forEach((s) => log.info(s)), fail);
    log.info(`${c.where}: documents written by the ${session.description}`);
  }
  return errors;
}
