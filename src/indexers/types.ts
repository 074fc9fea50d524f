import type { IndexerSettings, LocalIndexerSettings, SearchIndexerSettings, TsdbIndexerSettings } from '../config/index.js';

/** The indexer types burn has (kube-burner's `indexer.type`); `validate` refuses the others. */
export type IndexerType = IndexerSettings['type'];

/** The settings an indexer of type T reads. */
export type SettingsOf<T extends IndexerType> = T extends 'local' ? LocalIndexerSettings : T extends 'tsdb' ? TsdbIndexerSettings : SearchIndexerSettings;

/** Documents as kube-burner hands them to an indexer: its IndexingOpts.MetricName, and the documents. */
export interface DocumentBatch {
  metricName: string;
  docs: object[];
  /** Document ids, one per document (burn's own documents); the search indexers derive them otherwise. */
  ids?: string[];
  /**
   * burn's own documents (run.json, slo.json): the search indexers put them in `<defaultIndex>-burn`;
   * the local indexer leaves them to the run folder, which holds them already.
   */
  burnOwn?: boolean;
}

/** An indexer opened for one run (or one `burn index` / `burn import`). */
export interface IndexerSession {
  /** For messages: "local indexer collected-metrics-<uuid>". */
  readonly description: string;
  /** Sends one batch; resolves to what it did, in words. */
  index(batch: DocumentBatch): Promise<string>;
  /** After the last batch (the local indexer's tarball); resolves to what it did, in words. */
  close(): Promise<string[]>;
}

export interface OpenContext {
  uuid: string;
  /** Relative metricsDirectory and tarballName resolve from here (kube-burner: the working directory). */
  cwd: string;
  /** The run folder the documents come from: named in the message when an indexer fails. */
  runFolder?: string;
}

export interface Indexer<S extends IndexerSettings = IndexerSettings> {
  readonly type: S['type'];
  /**
   * Throws a UserError when the settings cannot work (a folder that cannot be written), naming the
   * setting by `nameOf` (its config key or its flag); creates nothing.
   */
  check(settings: S, ctx: OpenContext, nameOf: (key: string) => string): Promise<void>;
  open(settings: S, ctx: OpenContext): Promise<IndexerSession>;
  /** The command that sends a run folder to this indexer later, when it failed during the run. */
  resendCommand?(settings: S, runFolder: string): string;
}
