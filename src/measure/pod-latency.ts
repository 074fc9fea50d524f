/**
 * podLatency: how long this run's pods took to reach each phase, from a list+watch of the pods
 * (by burn's labels) that keeps only timestamps (src/measure/pod-tracker.ts).
 *
 * Documents (kube-burner's form, plus a `clock` field):
 * - podLatencyMeasurement: one per ready pod, latencies in whole ms on the server clock, and
 *   `watchLatencies` (ms, watch clock) beside them;
 * - podLatencyQuantilesMeasurement: per phase, server clock (what kube-burner reports);
 * - podLatencyWatchQuantilesMeasurement: per phase, watch clock;
 * - podStartupLatencyMeasurement: the SIG pod startup SLI (creation observed -> all containers
 *   started observed, both on the watch) minus the pod's image pulls, timed as the kubelet does
 *   from its first `Pulling` to its last `Pulled` event (as observed on an events watch). Pods that
 *   existed before the watch started, were deleted before starting, or whose pull never ended are
 *   left out. Pods that never started by the time the job's waits ended count as samples beyond
 *   any threshold (+Infinity: a P99 they reach is Infinity, so grading fails without special
 *   code) and are counted in `neverReady`.
 */
import { nowMs } from '../shared/clock.js';
import { sleep } from '../shared/sleep.js';
import { collectTimestamp, documentFile, isoTime, quantileDocument } from './documents.js';
import { PHASES, PHASE_INDEX, PodTracker, projectPod, type Phase, type PodRecord, type PodSnapshot } from './pod-tracker.js';
import { summarize } from './quantiles.js';
import { WATCH_CATCH_UP_MS } from './object-latency.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { checkLatencyThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementContext, MeasurementResult, MeasurementWatch, PodStartupSli, QuantileSummary } from './types.js';
import { watchAccess, type Access, type WatchOutage } from '../kube/index.js';
import { formatMs } from '../shared/format-ms.js';

/** kube-burner fails the measurement above this fraction of invalid pods. */
export const MAX_INVALID_RATIO = 0.1;
export const POD_STARTUP_SLI_NAME = 'PodStartup';
/** Longest wait at the job's end for `Pulled` events of pods seen started. */
const PULL_EVENT_GRACE_MS = 5000;

/** kube-burner's per-pod document fields, by phase. */
const LATENCY_FIELD: Record<Phase, string> = {
  PodScheduled: 'schedulingLatency',
  Initialized: 'initializedLatency',
  PodReadyToStartContainers: 'readyToStartContainersLatency',
  ContainersReady: 'containersReadyLatency',
  Ready: 'podReadyLatency',
  ContainersStarted: 'containersStartedLatency',
};

export interface PodLatencyOptions {
  uuid: string;
  jobName: string;
  thresholds: LatencyThreshold[];
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Per-pod document, or undefined (and counted invalid) when the pod never became Ready. */
function podDocument(pod: PodRecord, options: PodLatencyOptions, counters: { invalid: number }): object | undefined {
  if (Number.isNaN(pod.serverMs[PHASE_INDEX.Ready]!)) {
    counters.invalid++;
    return undefined;
  }
  const doc: Record<string, unknown> = { timestamp: isoTime(pod.createdMs) };
  const watchLatencies: Record<string, number | null> = {};
  let negative = false;
  for (const phase of PHASES) {
    const i = PHASE_INDEX[phase];
    const server = Math.round(pod.serverMs[i]! - pod.createdMs);
    if (server < 0) negative = true;
    doc[LATENCY_FIELD[phase]] = Number.isNaN(server) ? 0 : Math.max(0, server);
    const watch = pod.observedMs[i]! - pod.createdObservedMs;
    watchLatencies[LATENCY_FIELD[phase]] = Number.isNaN(watch) ? null : round1(watch);
  }
  if (negative) counters.invalid++;
  Object.assign(doc, {
    metricName: 'podLatencyMeasurement',
    uuid: options.uuid,
    jobName: options.jobName,
    jobIteration: pod.iteration,
    replica: pod.replica,
    namespace: pod.namespace,
    podName: pod.name,
    nodeName: pod.nodeName,
    clock: 'server-s',
    watchLatencies,
    // Time the kubelet spent pulling images: the pod startup SLI subtracts it.
    imagePullMs: round1(pod.pullMs),
  });
  return doc;
}

interface StartupSamples {
  /** As observed: pods seen late (after a watch outage) at their observed span. */
  samples: Float64Array;
  /** Each sample at the shortest and the longest its pod's span can have been (equal for pods seen on time). */
  shortest: Float64Array;
  longest: Float64Array;
  excluded: number;
  neverReady: number;
  /** Pods seen late (in the samples), and pods not seen started because the watch was cut off at the end (not in them). */
  late: number;
  unknown: number;
}

/**
 * The SIG SLI samples: watch clock, image pull time subtracted, pre-existing pods left out,
 * never-started pods +Infinity, and the range each sample can have had when the watch was cut off
 * from the API server for a while.
 */
function podStartupSamples(tracker: PodTracker): StartupSamples {
  const size = tracker.size;
  const [samples, shortest, longest] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  let n = 0;
  let neverReady = 0;
  let late = 0;
  let unknown = 0;
  for (let row = 0; row < size; row++) {
    if (tracker.isPreexisting(row)) continue;
    const span = tracker.watchStartup(row);
    if (Number.isNaN(span.ms)) {
      if (tracker.isDeleted(row)) continue;
      if (tracker.isBlind(row)) unknown++;
      else if (!tracker.isUnobserved(row)) {
        samples[n] = shortest[n] = longest[n] = Number.POSITIVE_INFINITY;
        n++;
        neverReady++;
      }
      continue;
    }
    const sample = span.ms - tracker.pullMs(row);
    if (Number.isNaN(sample)) continue;
    // a pull event seen late makes the pull time subtracted uncertain by as much, either way
    const pullOff = tracker.pullUncertainMs(row);
    samples[n] = Math.max(0, sample);
    shortest[n] = Math.max(0, sample - span.shorterByMs - pullOff);
    longest[n] = Math.max(0, sample + span.longerByMs + pullOff);
    if (span.shorterByMs > 0 || span.longerByMs > 0 || pullOff > 0) late++;
    n++;
  }
  return { samples: samples.subarray(0, n), shortest: shortest.subarray(0, n), longest: longest.subarray(0, n), excluded: size - n, neverReady, late, unknown };
}

/** The p99 of `samples` with `extra` more samples of `value` each. */
function p99With(samples: Float64Array, extra: number, value: number): number {
  const all = new Float64Array(samples.length + extra);
  all.set(samples);
  all.fill(value, samples.length);
  return summarize(POD_STARTUP_SLI_NAME, all, 'watch-ms', 'nearestRank')!.p99;
}

/** What the watch's outages leave unknown of the SLI: the p99 if every span was its shortest (and unknown pods started at once), or its longest (and they never did). */
function blindFigures(startup: StartupSamples, blindMs: number): { blind?: NonNullable<PodStartupSli['blind']> } {
  if (startup.late + startup.unknown === 0) return {};
  return {
    blind: {
      pods: startup.late,
      unknown: startup.unknown,
      ms: Math.round(blindMs),
      p99IfFast: p99With(startup.shortest, startup.unknown, 0),
      p99IfSlow: p99With(startup.longest, startup.unknown, Number.POSITIVE_INFINITY),
    },
  };
}

/** Pure: turns what the tracker saw into podLatency's documents, quantiles, thresholds and SLI; blindMs: how long the watch was cut off. */
export function podLatencyResult(tracker: PodTracker, options: PodLatencyOptions, blindMs = 0): MeasurementResult {
  const timestamp = collectTimestamp();
  const counters = { invalid: 0 };
  const podDocs: object[] = [];
  for (const pod of tracker.records()) {
    const doc = podDocument(pod, options, counters);
    if (doc) podDocs.push(doc);
  }
  const serverByPhase = new Map<string, QuantileSummary>();
  const quantiles: QuantileSummary[] = [];
  const serverDocs: object[] = [];
  const watchDocs: object[] = [];
  for (const phase of PHASES) {
    const server = tracker.latencies(phase, 'server').map((v) => (v < 0 ? 0 : v));
    const serverSummary = summarize(phase, server, 'server-s', 'interpolatedRank');
    if (serverSummary) {
      serverByPhase.set(phase, serverSummary);
      quantiles.push(serverSummary);
      serverDocs.push(quantileDocument(serverSummary, { metricName: 'podLatencyQuantilesMeasurement', quantileName: phase, timestamp, ...options }));
    }
    const watchSummary = summarize(phase, tracker.latencies(phase, 'watch'), 'watch-ms', 'interpolatedRank');
    if (watchSummary) {
      quantiles.push(watchSummary);
      watchDocs.push(quantileDocument(watchSummary, { metricName: 'podLatencyWatchQuantilesMeasurement', quantileName: phase, timestamp, ...options }));
    }
  }
  const startup = podStartupSamples(tracker);
  const startupSummary = summarize(POD_STARTUP_SLI_NAME, startup.samples, 'watch-ms', 'nearestRank');
  const slis: PodStartupSli[] = [];
  const startupDocs: object[] = [];
  const blind = blindFigures(startup, blindMs);
  if (startupSummary) {
    quantiles.push(startupSummary);
    startupDocs.push({
      ...quantileDocument(startupSummary, { metricName: 'podStartupLatencyMeasurement', quantileName: POD_STARTUP_SLI_NAME, timestamp, ...options }),
      excluded: startup.excluded,
      neverReady: startup.neverReady,
      ...(blind.blind ? { seenLate: startup.late, unknown: startup.unknown } : {}),
    });
    slis.push({
      sli: 'podStartup',
      source: 'watch',
      clock: 'watch-ms',
      count: startupSummary.count,
      p50: startupSummary.p50,
      p90: startupSummary.p90,
      p99: startupSummary.p99,
      ...(startupSummary.p99IsMax ? { p99IsMax: true } : {}),
      max: startupSummary.max,
      excluded: startup.excluded,
      neverReady: startup.neverReady,
      ...blind,
    });
  } else if (startup.unknown > 0) {
    // Every pod changed while the watch was cut off: no sample, and no pass either.
    slis.push({ sli: 'podStartup', source: 'watch', clock: 'watch-ms', count: 0, p50: NaN, p90: NaN, p99: NaN, excluded: startup.excluded, neverReady: 0, ...blind });
  }
  const total = tracker.size;
  const errors: string[] = [];
  if (total > 0 && counters.invalid / total > MAX_INVALID_RATIO) {
    errors.push(`podLatency: ${counters.invalid} of ${total} pods (${((100 * counters.invalid) / total).toFixed(1)}%) have missing or negative latencies, more than ${MAX_INVALID_RATIO * 100}%`);
  }
  return {
    name: 'podLatency',
    documents: [
      documentFile('podLatencyMeasurement', options.jobName, podDocs),
      documentFile('podLatencyQuantilesMeasurement', options.jobName, serverDocs),
      documentFile('podLatencyWatchQuantilesMeasurement', options.jobName, watchDocs),
      documentFile('podStartupLatencyMeasurement', options.jobName, startupDocs),
    ].filter((file) => file.docs.length > 0), // a job without pods writes no podLatency files, as kube-burner
    quantiles,
    thresholds: checkLatencyThresholds('podLatency', options.thresholds, serverByPhase),
    slis,
    invalid: { count: counters.invalid, total },
    errors,
  };
}

/** A kubelet `Pulling` (edge start) or `Pulled` (edge end) event of a pod; null for any other event. */
export function projectPullEvent(event: any): { namespace: string; name: string; edge: 'start' | 'end' } | null {
  const edge = event?.reason === 'Pulling' ? 'start' : event?.reason === 'Pulled' ? 'end' : undefined;
  if (!edge || event?.involvedObject?.kind !== 'Pod') return null;
  return { namespace: String(event.involvedObject.namespace ?? event.metadata?.namespace ?? ''), name: String(event.involvedObject.name ?? ''), edge };
}

/** podLatency's options as the config gives them. */
export interface PodLatencyConfig {
  thresholds: LatencyThreshold[];
  /** Subtract image pull time from the pod startup SLI (default true). */
  excludeImagePulls: boolean;
}

class PodLatencyMeasurement implements Measurement {
  readonly name = 'podLatency';
  private tracker = new PodTracker(nowMs());
  private readonly watches: Array<{ stop(): unknown }> = [];
  private readonly warnings: string[] = [];
  private options?: PodLatencyOptions;
  private podWatch?: MeasurementWatch<PodSnapshot>;
  private blindMs = 0;

  constructor(private readonly config: PodLatencyConfig) {}

  async start(ctx: MeasurementContext): Promise<void> {
    this.options = { uuid: ctx.uuid, jobName: ctx.jobName, thresholds: this.config.thresholds };
    this.tracker = new PodTracker(nowMs());
    this.blindMs = 0;
    const tracker = this.tracker;
    const pods = ctx.client.watchResources({
      apiVersion: 'v1',
      kind: 'Pod',
      labelSelector: ctx.labelSelector,
      // the engine's readiness tracker follows the same pods: one stream for both
      share: true,
      project: projectPod,
      onEvent: (type, pod, observedAtMs, lateByMs) => {
        tracker.observe(pod, observedAtMs, lateByMs);
        if (type === 'DELETED') tracker.markDeleted(pod.namespace, pod.name);
      },
    });
    this.watches.push(pods);
    this.podWatch = pods;
    if (this.config.excludeImagePulls) {
      // Two narrow watches (a field selector has no OR): the pull's start and its end.
      for (const reason of ['Pulling', 'Pulled']) {
        const events = ctx.client.watchResources({
          apiVersion: 'v1',
          kind: 'Event',
          fieldSelector: `involvedObject.kind=Pod,reason=${reason}`,
          project: projectPullEvent,
          onEvent: (type, pull, observedAtMs, lateByMs) => {
            if (pull && type !== 'DELETED') tracker.observePull(pull.namespace, pull.name, pull.edge, observedAtMs, lateByMs);
          },
        });
        this.watches.push(events);
        events.synced.catch((err: unknown) => {
          this.warnings.push(`podLatency: cannot watch ${reason} events, image pull time stays in the pod startup SLI (${String(err)})`);
        });
      }
    }
    await pods.synced;
  }

  /**
   * Under load, or with the watch cut just before the end, the watch can still be behind the server
   * when the job's waits are over. Waits until it shows every pod as far along as the server reports
   * it; pods it never shows in time keep their server times and are left out of the watch-clock
   * figures with a warning, never counted as pods that did not start.
   */
  private async catchUp(): Promise<void> {
    const tracker = this.tracker;
    const lagging = (await this.podWatch?.caughtUp?.(WATCH_CATCH_UP_MS, (pod) => !tracker.shows(pod)).catch(() => undefined)) ?? [];
    if (lagging.length === 0) return;
    for (const pod of lagging) tracker.observeLate(pod);
    this.warnings.push(`podLatency: ${lagging.length} pod(s) further along on the server than the watch had shown ${WATCH_CATCH_UP_MS / 1000} s after the job's waits: their server times are kept, and they are left out of the watch-clock figures and the pod startup SLI`);
  }

  async stop(): Promise<void> {
    await this.catchUp();
    this.noteOutages(this.podWatch?.outages?.() ?? []);
    // A started pod's pull has ended (the kubelet pulls first): give its `Pulled` event a moment to arrive
    // rather than leave the pod out of the SLI.
    const deadline = nowMs() + PULL_EVENT_GRACE_MS;
    while (this.tracker.unfinishedPulls() > 0 && nowMs() < deadline) await sleep(100);
    await Promise.all(this.watches.splice(0).map((w) => w.stop()));
  }

  /** Says how long the pods watch was cut off from the API server; still cut off at the end, every pod not seen started may have started unseen. */
  private noteOutages(outages: WatchOutage[]): void {
    if (outages.length === 0) return;
    const endMs = nowMs();
    this.blindMs = outages.reduce((sum, o) => sum + ((o.toMs ?? endMs) - o.fromMs), 0);
    const open = outages.at(-1)!.toMs === undefined;
    if (open) this.tracker.markUnstartedBlind();
    const times = outages.length === 1 ? 'once' : `${outages.length} times`;
    this.warnings.push(
      `podLatency: the pods watch was cut off from the API server ${times}, ${formatMs(this.blindMs)} in all${open ? ', and still was at the end' : ''} (first: ${outages[0]!.error}): ` +
        'pods that changed meanwhile keep their server times and are left out of the watch-clock figures and the pod startup SLI',
    );
  }

  async collect(): Promise<MeasurementResult> {
    const result = podLatencyResult(this.tracker, this.options ?? { uuid: '', jobName: '', thresholds: [] }, this.blindMs);
    return { ...result, warnings: [...this.warnings] };
  }
}

export const podLatencyPlugin: MeasurementPlugin<PodLatencyConfig> = {
  name: 'podLatency',
  // Pods of the run appear when a job creates or patches their owners.
  jobTypes: ['create', 'patch'],
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'podLatency', ['name']);
    const config = { thresholds: readLatencyThresholds(options, PHASES), excludeImagePulls: options.bool('excludeImagePulls', true) };
    options.finish();
    return config;
  },
  create: (config) => new PodLatencyMeasurement(config),
  access: (config): Access[] => [
    watchAccess('', 'pods', "podLatency watches the run's pods"),
    ...(config.excludeImagePulls ? [watchAccess('', 'events', 'podLatency watches image pull events (excludeImagePulls)')] : []),
  ],
};
