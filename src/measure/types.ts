/**
 * The contract between measurements (src/measure), the engine that runs them around each job,
 * the SLO grader (src/slo) and the reports (src/report). Everything a measurement hands back is
 * plain JSON so it can be written to reports as is.
 */
import type { MetricsEndpoint } from '../config/index.js';
import type { ApiScope, ExecRequest, ExecResult, KubeObject, RequestListener, WatchOutage } from '../kube/index.js';

/** Type of a watch event as the request path reports it. */
export type WatchEventKind = 'ADDED' | 'MODIFIED' | 'DELETED' | (string & {});

export interface WatchResourcesOptions<T> {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Turns the raw object into what the watcher keeps; the raw object must not be retained. */
  project: (obj: any) => T;
  /**
   * observedAtMs: when the event was read off the wire, from the anchored monotonic clock
   * (src/shared/clock). lateByMs (absent: 0): the change happened while the watch was cut off from
   * the API server, at most this long before observedAtMs.
   */
  onEvent: (type: WatchEventKind, projected: T, observedAtMs: number, lateByMs?: number) => void;
  signal?: AbortSignal;
  /** One stream with the client's other shared watches of the same objects (the engine's readiness tracker follows the job's pods too). */
  share?: boolean;
}

/**
 * The part of src/kube's KubeClient that measurements use (KubeClient satisfies it structurally).
 * Kept narrow so measurements can be driven by anything that records requests and watches.
 */
/** A measurement's watch (src/kube/watch.ts WatchHandle): caughtUp waits until it shows what the server lists. */
export interface MeasurementWatch<T> {
  synced: Promise<unknown>;
  stop(): unknown;
  caughtUp?(timeoutMs: number, lagging?: (listed: T) => boolean): Promise<T[]>;
  /** When the watch could not follow the API server (src/kube/watch.ts WatchOutage). */
  outages?(): WatchOutage[];
}

export interface MeasurementClient {
  /** Every request the request path sends; returns an unsubscribe function when it has one. */
  onRequest(listener: RequestListener): (() => void) | void;
  watchResources<T>(options: WatchResourcesOptions<T>): MeasurementWatch<T>;
  /** A raw GET through the same credentials and TLS (the apiserver's /metrics, EndpointSlices). */
  request?<R>(req: { method: 'GET' | 'POST'; path: string; query?: Record<string, string | number | boolean | undefined>; body?: unknown; responseType?: 'json' | 'text'; timeoutMs?: number; tolerate?: number[] }): Promise<R>;
  /** Measurements that run something inside the cluster (serviceLatency's checker pod): their own objects, and exec into them. */
  create?(obj: KubeObject, options?: { alreadyExistsOk?: boolean; signal?: AbortSignal }): Promise<KubeObject | null>;
  get?(apiVersion: string, kind: string, name: string, namespace: string | undefined, options: { notFoundOk: true; signal?: AbortSignal }): Promise<KubeObject | null>;
  delete?(apiVersion: string, kind: string, name: string, namespace?: string, options?: { notFoundOk?: boolean; signal?: AbortSignal }): Promise<KubeObject | null>;
  exec?(req: ExecRequest): Promise<ExecResult>;
  /** A GET read chunk by chunk into the sink `start` returns, a retry starting over (the API server's /metrics, megabytes). */
  requestStream?(path: string, start: () => { push(chunk: Buffer): void; end(): void }, timeoutMs?: number): Promise<void>;
  /** A GET whose answer is bytes (the API server's /debug/pprof profiles). */
  requestBytes?(path: string, timeoutMs?: number): Promise<Buffer>;
  /** A client for one API server replica at address:port, same credentials, TLS checked against the original host name. */
  replica?(address: string, port: number): MeasurementClient & { close(): Promise<void> };
}

/** kube-burner's `metricsEndpoints[]` entry, as src/config validates it (stepMs, absolute profile paths). */
export type { MetricsEndpoint };

export interface MeasurementContext {
  client: MeasurementClient;
  uuid: string;
  runId: string;
  jobName: string;
  /** Selects this run's (and job's) objects: burn.dev/uuid=<uuid>,burn.dev/job=<job>. */
  labelSelector: string;
  /** Whether a namespace is one of the job's (kube-burner's job namespaces); absent (burn measure): every namespace. */
  inJobNamespace?: (namespace: string) => boolean;
  metricsEndpoints: MetricsEndpoint[];
  /** The run folder, where measurements that write files (pprof's profiles) put them; absent: the working directory. */
  runFolder?: string;
  /** The job's window so far; endMs is set once the job (and its waits) ended. */
  window(): { startMs: number; endMs?: number };
  /** The job's namespaceLabels (netpolLatency reads kube-burner.io/skip-networkpolicy-latency there); absent for `burn measure`. */
  namespaceLabels?: Record<string, string>;
  /** Every object the job will create, rendered as the engine sends them (namespace set), for a measurement that must know them beforehand (netpolLatency); absent for `burn measure`. */
  plannedObjects?: () => AsyncIterable<KubeObject>;
}

/** What a preflight check may look at: no job has started yet. */
export type PreflightContext = Pick<MeasurementContext, 'client' | 'uuid' | 'runId' | 'metricsEndpoints'>;

export interface Measurement {
  readonly name: string;
  /** collect() reads the end of the job's window (a Prometheus range): it is collected after every other measurement, once the window ended. */
  readonly readsWindowEnd?: boolean;
  /**
   * Before any job creates anything: checks what the measurement depends on outside the cluster
   * (endpoints reachable, credentials, queries parse) and throws a UserError naming the fix.
   */
  preflight?(ctx: PreflightContext): Promise<void>;
  /** Before the job's first request. Resolves once its watches are synced. */
  start(ctx: MeasurementContext): Promise<void>;
  /** After the job (and its waits) end. */
  stop(): Promise<void>;
  collect(): Promise<MeasurementResult>;
}

/** Which clock a latency comes from: reports say it beside every figure. */
export type LatencyClock =
  | 'server-s' // apiserver/kubelet timestamps, 1 s precision
  | 'watch-ms' // when burn observed the change on its watch, monotonic ms
  | 'client-ms' // request start to response end on burn's side
  | 'server-histogram'; // apiserver histogram, from Prometheus or burn's own /metrics scrape (bucket resolution)

/** A quantile set of one series, in milliseconds. */
export interface QuantileSummary {
  name: string;
  clock: LatencyClock;
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  avg: number;
  /** Fewer than 100 samples: p99 is the maximum (src/measure/quantiles.ts). */
  p99IsMax?: boolean;
}

/** A user threshold checked by the measurement itself (kube-burner podLatency thresholds etc.). */
export interface ThresholdResult {
  /** e.g. "podLatency Ready P99". */
  key: string;
  value: number;
  threshold: number;
  unit: 'ms' | 'count' | 'ratio';
  passed: boolean;
  message: string;
  /** The quantity cannot be measured on this cluster (why): neither passed nor failed, the run is inconclusive. */
  notMeasurable?: string;
  /** Nothing to compare (e.g. a podLatency threshold on a job without pods): passed, as kube-burner, and said. */
  noSamples?: true;
}

/** One SLI figure the SLO grader can grade. All latencies in ms. */
export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max?: number;
  /** Fewer than 100 samples: p99 is the maximum. */
  p99IsMax?: boolean;
}

/**
 * server: burn's own scrape of the apiserver's /metrics (apiserver_request_sli_duration_seconds,
 * difference between the job's start and end); prometheus: the same histogram from a configured
 * Prometheus; client: burn's own clock (a diagnostic, not graded against SIG SLOs); watch: pod
 * times as observed on burn's watch.
 */
export type SliSource = 'server' | 'prometheus' | 'client' | 'watch';

/** Per-bucket counts (not cumulative): counts[i] for (boundsMs[i-1], boundsMs[i]], the last entry above the last bound. */
export interface SliHistogram {
  boundsMs: number[];
  counts: number[];
}

export interface ApiCallSli extends LatencyStats {
  sli: 'apiCall';
  source: 'server' | 'prometheus' | 'client';
  verb: string;
  resource: string;
  subresource: string;
  scope: ApiScope;
  /** Calls slower than the threshold that applies (SLO or custom). */
  slowCount: number;
  /** ClusterLoader2 customThresholds: replaces the SLO threshold for this key. */
  thresholdMs?: number;
  /** ClusterLoader2 allowedSlowCalls: the key passes when slowCount <= this. */
  allowedSlowCalls?: number;
  /** The samples' distribution, so runs can be merged and compared (client: fixed log buckets; server: the apiserver's buckets). */
  histogram?: SliHistogram;
  /** Width of the bucket holding the p99 (server histograms): the figure is exact to within this. */
  resolutionMs?: number;
  /** What part of the control plane the figure covers when not all of it, e.g. "1 of 3 API servers". */
  coverage?: string;
}

export interface PodStartupSli extends LatencyStats {
  sli: 'podStartup';
  /** watch: creation -> all containers started and observed by burn's watch; prometheus: kubelet_pod_start_sli_duration_seconds. */
  source: 'watch' | 'prometheus';
  /** Pods left out (existed before the watch, image pull never ended, deleted before starting). */
  excluded: number;
  /** Pods waited for that never started: in `count`, as samples beyond any threshold (p99 is Infinity when they reach it). */
  neverReady: number;
  clock: LatencyClock;
  /**
   * When burn's watch was cut off from the API server for `ms`: `pods` timed only to within the
   * outage (in `count`, at their observed span), `unknown` pods not seen started because it was
   * still cut off at the end (not in `count`), and the p99 if every span was its shortest and the
   * unknown pods started at once, or its longest and they never started.
   */
  blind?: { pods: number; unknown: number; ms: number; p99IfFast: number; p99IfSlow: number };
}

export type Sli = ApiCallSli | PodStartupSli;

export type AlertSeverity = 'info' | 'warning' | 'error' | 'critical';

export interface AlertOutcome {
  expr: string;
  description: string;
  severity: AlertSeverity;
  /** Times (ms since epoch) the expression returned samples, first and last, and the rendered description. */
  firstMs: number;
  lastMs: number;
  message: string;
  /** Position in metricsEndpoints of the endpoint whose alert profile fired it (its indexer gets the alert). */
  endpoint?: number;
}

/** The kinds of figure a simulator delays by itself: its answers to requests, and its pods' startup. */
export type SelfDelayKind = 'request' | 'pod';

/** The delay a simulator added by itself to one kind of figure over a job (src/sim/server/metrics.ts). */
export interface SelfDelayFigure {
  /** P99 of the delay, or under 100 samples its maximum (p99IsMax). */
  p99Ms: number;
  samples: number;
  p99IsMax?: true;
}

/** burn (or the simulator) watching its own event loop through a job: when saturated, its clocks are suspect. */
export interface SaturationReport {
  source: 'burn' | 'simulator';
  /** 1 s windows observed. */
  samples: number;
  /** Worst window's p99 event-loop delay. */
  loopDelayP99Ms: number;
  /** Share of windows whose loop-delay p99 was above SATURATION_LOOP_DELAY_MS. */
  saturatedFraction: number;
  cpuSeconds?: number;
  /** saturatedFraction > SATURATED_FRACTION. */
  saturated: boolean;
  /** The simulator only: the delay it added itself, beyond what its profile injected, per kind of figure (a kind without samples is absent). */
  selfDelay?: Partial<Record<SelfDelayKind, SelfDelayFigure>>;
}

/** One document file of a measurement; `index` says how kube-burner's indexers receive it when that differs from the file. */
export interface DocumentFileOf {
  fileName: string;
  docs: object[];
  /**
   * kube-burner indexes metric profile documents as `<metricName>` (one file for every job), through
   * the indexer of the endpoint they came from only (its position in metricsEndpoints). Without it, a
   * file goes to every indexer under its own name without `.json`, as measurements' documents do.
   */
  index?: { metricName: string; endpoint: number };
}

export interface MeasurementResult {
  name: string;
  /** kube-burner documents, one file per metricName: reports write them as `<fileName>` under the run folder. */
  documents: DocumentFileOf[];
  quantiles: QuantileSummary[];
  thresholds: ThresholdResult[];
  slis: Sli[];
  alerts?: AlertOutcome[];
  /** Samples that could not be computed (missing or negative), and all samples. */
  invalid?: { count: number; total: number };
  /** Set when the measurement itself failed (too many invalid samples, a query error...). */
  errors: string[];
  /** Things that lower the result's quality without failing it (e.g. no RBAC to watch events). */
  warnings?: string[];
  /** An alert of severity critical fired: the engine ends the run. */
  abortRun?: boolean;
  /** The saturation sampler's findings (burn, and the simulator with --sim). */
  saturation?: SaturationReport[];
}
