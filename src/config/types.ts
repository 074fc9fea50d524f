import type { Diagnostic, SourceIndex, SourcePos } from './diagnostics.js';

/**
 * A loaded kube-burner v2 config with every default applied. Durations are milliseconds.
 * Key names follow kube-burner's YAML keys so a kube-burner config maps onto these types one to one.
 */
export interface Config {
  /** Absolute path of the config file, and its folder (relative paths in it resolve from there). */
  file: string;
  dir: string;
  metricsEndpoints: MetricsEndpoint[];
  global: GlobalConfig;
  jobs: Job[];
  /** Position of every key and value by path, e.g. `source.describe('jobs.0.qps')` -> "config.yaml:9:10". */
  source: SourceIndex;
  /** Problems that do not stop a run (e.g. churnConfig without cycles or duration); the CLI prints them. */
  warnings: Diagnostic[];
}

export type { TemplateEngine } from '../template/index.js';
import type { FileOrigin } from './references.js';
import type { TemplateEngine } from '../template/index.js';
export type JobType = 'create' | 'delete' | 'read' | 'patch' | 'traffic';
export type DeletionStrategy = 'default' | 'gvr';
export type ChurnMode = 'namespaces' | 'objects';
export type ExecutionMode = 'parallel' | 'sequential';
export type MetricsClosing = 'afterJobPause' | 'afterMeasurements' | 'afterJob';
export type PatchType =
  | 'application/json-patch+json'
  | 'application/merge-patch+json'
  | 'application/strategic-merge-patch+json'
  | 'application/apply-patch+yaml';

export interface GlobalConfig {
  /** The run's uuid (`--uuid` or generated) and run id; both are template variables (.UUID, .RunID). */
  uuid: string;
  runId: string;
  measurements: MeasurementConfig[];
  requestTimeoutMs: number; // 60s
  gc: boolean; // false
  gcMetrics: boolean; // false
  waitWhenFinished: boolean; // false
  clusterHealth: boolean; // false
  timeoutMs: number; // 4h; the CLI --timeout wins
  /** Absolute paths (or URLs) of Go template files whose `define`s every object template can use. */
  functionTemplates: string[];
  deletionStrategy: DeletionStrategy; // default
}

/** A measurement entry of the config: its name and its options as its plugin parsed and checked them (src/measure/plugins.ts). */
export interface MeasurementConfig {
  name: string;
  /** The plugin's own typed options object. */
  options: unknown;
  /** kube-burner's `timeseriesIndexer`: the alias of the only indexer that gets this measurement's timeseries documents. */
  timeseriesIndexer?: string;
  /** kube-burner's `quantilesIndexer`: the alias of the only indexer that gets its quantile documents. */
  quantilesIndexer?: string;
}

export interface MetricsEndpoint {
  endpoint: string;
  token: string;
  username: string;
  password: string;
  stepMs: number; // 30s
  skipTLSVerify: boolean; // true
  /** Metrics profile files (absolute paths or URLs). */
  metrics: string[];
  /** Alert profile files (absolute paths or URLs). */
  alerts: string[];
  alias: string;
  /** Where this endpoint's documents (and every measurement's) go besides the run folder; none when absent. */
  indexer?: IndexerSettings;
}

/**
 * kube-burner's `local` indexer: documents as JSON files, one per metricName, in `metricsDirectory`
 * (relative to the working directory); `createTarball` packs that folder into `tarballName` at the end.
 */
export interface LocalIndexerSettings {
  type: 'local';
  /** As written; kube-burner's default `collected-metrics-{{.UUID}}` means collected-metrics-<uuid>. */
  metricsDirectory: string;
  createTarball: boolean;
  tarballName: string;
}

/**
 * kube-burner's `opensearch` and `elastic` indexers (go-commons): every document of a run is sent
 * with `_bulk` to `defaultIndex` (lowercased) on the first server of `esServers` that answers;
 * burn's own documents (run.json, slo.json) go to `<defaultIndex>-burn`.
 */
export interface SearchIndexerSettings {
  type: 'opensearch' | 'elastic';
  /** http(s) URLs, tried in order; basic-auth credentials may be in the URL. */
  esServers: string[];
  /** As kube-burner uses it: lowercased. */
  defaultIndex: string;
  /** Do not verify the servers' TLS certificates. */
  insecureSkipVerify: boolean;
}

/**
 * kube-burner's `tsdb` indexer: each batch of documents becomes one Prometheus TSDB block in
 * `metricsDirectory` (the local indexer's keys and defaults), which Prometheus or promtool read.
 */
export interface TsdbIndexerSettings extends Omit<LocalIndexerSettings, 'type'> {
  type: 'tsdb';
}

export type IndexerSettings = LocalIndexerSettings | TsdbIndexerSettings | SearchIndexerSettings;

export interface Job {
  name: string;
  jobType: JobType; // create
  jobIterations: number; // 1 (forced to 1 for delete jobs)
  /** Requests per second and burst of the job's token bucket; values <= 0 in the file mean 5 and 10. */
  qps: number;
  burst: number;
  namespace: string;
  namespacedIterations: boolean; // true
  iterationsPerNamespace: number; // 1
  namespaceDelayMs: number; // 0
  preCreateNamespaces: boolean; // false
  namespaceLabels: Record<string, string>;
  namespaceAnnotations: Record<string, string>;
  cleanup: boolean; // true
  podWait: boolean; // false
  waitWhenFinished: boolean; // true (false when global.waitWhenFinished, and for delete jobs)
  maxWaitTimeoutMs: number; // 4h
  waitForDeletion: boolean; // true
  verifyObjects: boolean; // true
  errorOnVerify: boolean; // true
  preLoadImages: boolean; // true (false for delete jobs)
  preLoadPeriodMs: number; // 10m, as kube-burner
  preLoadNodeLabels: Record<string, string>;
  jobIterationDelayMs: number; // 0
  jobPauseMs: number; // 0
  objectDelayMs: number; // 0
  objectWait: boolean; // false
  churnConfig: ChurnConfig;
  skipIndexing: boolean; // false
  defaultMissingKeysWithZero: boolean; // false
  executionMode: ExecutionMode; // parallel (sequential for delete jobs)
  metricsAggregate: boolean; // false
  metricsClosing: MetricsClosing; // afterJobPause
  gc: boolean; // false
  measurements: MeasurementConfig[];
  watchers: Watcher[];
  hooks: Hook[];
  /** Steps of growing iteration counts (create jobs); null when the job has none. */
  incrementalLoad: IncrementalLoad | null;
  /** burn's `traffic` job type: the HTTP load it sends (src/config/traffic.ts); null for other job types. */
  traffic: TrafficSpec | null;
  objects: JobObject[];
  /** Index in `jobs` and the position of the job in the file. */
  index: number;
  pos: SourcePos;
}

export interface JobObject {
  /** Absolute path or http(s) URL; "" for delete and read jobs, which select by kind and labels. */
  objectTemplate: string;
  /** The template as written in the config, for messages. */
  objectTemplateAsWritten: string;
  /** Where objectTemplate was found ("" when there is none): `burn validate` prints it. */
  objectTemplateFoundIn: FileOrigin | 'URL' | '';
  templateEngine: TemplateEngine; // .hbs files: handlebars, else go
  replicas: number; // 1
  inputVars: Record<string, unknown>;
  wait: boolean; // true
  waitOptions: WaitOptions;
  runOnce: boolean; // false
  churn: boolean; // true
  /** Create the object on iterations 0, N, 2N, ...; 1 (the default) means every iteration. */
  repeatEveryNIterations: number;
  /** Grouped execution (create jobs): groups run one after another in id order once any id is > 0. */
  group: ObjectGroup;
  /** delete, read and patch jobs: what to act on. */
  kind: string;
  apiVersion: string;
  labelSelector: Record<string, string>;
  /**
   * burn's own key (delete, patch and read jobs): a selector that matches nothing is expected.
   * Without it such an object fails its job, so "passed" never hides that nothing was done.
   */
  allowNoMatch: boolean; // false
  patchType?: PatchType;
  /** Index in the job's `objects` and the position of the object in the file. */
  index: number;
  pos: SourcePos;
}

export interface ObjectGroup {
  id: number; // 0
  /** Delete this object's objects once its group is done. */
  gc: boolean; // false
  pauseBeforeGCMs: number; // 0
  pauseAfterGCMs: number; // 0
}

export type LoadPatternType = 'linear' | 'exponential';

export interface IncrementalLoad {
  /** 0 in the file means the job's jobIterations. */
  startIterations: number;
  totalIterations: number;
  stepDelayMs: number; // 0
  pattern: {
    type: LoadPatternType; // linear
    linear: { minSteps: number; stepSize: number } | null;
    exponential: { base: number; maxIncrease: number; warmupSteps: number } | null;
  };
  /** A shell script (path or URL, then arguments) run after each step; "" for the built-in cluster health check. */
  healthCheckScript: string;
}

export interface WaitOptions {
  apiVersion: string;
  kind: string;
  labelSelector: Record<string, string>;
  customStatusPaths: Array<{ key: string; value: string }>;
}

export interface ChurnConfig {
  /** Churn runs when cycles > 0 or duration > 0; it stops at whichever comes first. */
  enabled: boolean;
  cycles: number; // 0
  percent: number; // 10 when churn is enabled and percent is not given
  durationMs: number; // 0
  delayMs: number; // 0
  deleteDelayMs: number; // 0
  mode: ChurnMode; // namespaces
}

/** kube-burner's hook stages (its `when` values), in the order a job reaches them. */
export const HOOK_STAGES = ['beforeGC', 'afterGC', 'beforeJobExecution', 'onEachIteration', 'afterJobExecution', 'beforeChurn', 'afterChurn', 'beforeCleanup', 'afterCleanup'] as const;
export type HookStage = (typeof HOOK_STAGES)[number];

/** A command run at one stage of a job: as a process of its own, in burn's working directory and environment. */
export interface Hook {
  cmd: string[];
  when: HookStage;
  background: boolean; // false
  /** Index in the job's `hooks` and the position of the hook in the file. */
  index: number;
  pos: SourcePos;
}

export interface Watcher {
  kind: string;
  apiVersion: string;
  labelSelector: Record<string, string>;
  replicas: number; // 1
}

export type { TrafficSpec, TrafficTarget, TrafficStage, TrafficThreshold, TrafficTls, TrafficMetric, TrafficAgents } from './traffic-types.js';
import type { TrafficSpec } from './traffic-types.js';
