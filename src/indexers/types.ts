import type { IndexerSettings } from '../config/index.js';

/** The indexer types burn has (kube-burner's `indexer.type`); `validate` refuses the others. */
export type IndexerType = IndexerSettings['type'];

/** Documents as kube-burner hands them to an indexer: its IndexingOpts.MetricName, and the documents. */
export interface DocumentBatch {
  metricName: string;
  docs: object[];
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
}

export interface Indexer<S extends IndexerSettings = IndexerSettings> {
  readonly type: S['type'];
  /**
   * Throws a UserError when the settings cannot work (a folder that cannot be written), naming the
   * setting by `nameOf` (its config key or its flag); creates nothing.
   */
  check(settings: S, ctx: OpenContext, nameOf: (key: string) => string): Promise<void>;
  open(settings: S, ctx: OpenContext): Promise<IndexerSession>;
}
