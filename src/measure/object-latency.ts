/**
 * Latency of a few phases of a few objects (Jobs, Nodes): a watch keeping, per object, the server
 * time and the watch-observed time each phase was first reached. Pods, which come by the
 * hundred thousand, have their own columnar tracker (pod-tracker.ts).
 */
import { nowMs } from '../shared/clock.js';
import { collectTimestamp, documentFile, isoTime, quantileDocument } from './documents.js';
import { summarize } from './quantiles.js';
import type { JobType } from '../config/index.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { checkLatencyThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementContext, MeasurementResult, QuantileSummary } from './types.js';
import { kindAccess } from '../kube/index.js';

export interface ObjectSnapshot {
  namespace: string;
  name: string;
  createdMs: number;
  /** Server time each phase was reached (NaN if not), indexed like the spec's phases. */
  phases: number[];
  /** Fields of the object's per-object document besides the latencies (kube-burner's names). */
  fields?: Record<string, unknown>;
}

export interface ObjectLatencySpec {
  measurement: string;
  apiVersion: string;
  kind: string;
  /** Watch only this run's objects (by burn's labels), or every object of the kind (nodes). */
  selectRun: boolean;
  /** Only objects created after the watch began (nodes joining): one that was there before has no latency to report. */
  joinedOnly?: boolean;
  /** Names as kube-burner's quantileName, with the per-object document field of each. */
  phases: Array<{ name: string; field: string }>;
  project: (obj: any) => ObjectSnapshot;
}

interface Tracked {
  snapshot: ObjectSnapshot;
  createdObservedMs: number;
  serverMs: number[];
  observedMs: number[];
}

export class ObjectLatencyTracker {
  private readonly objects = new Map<string, Tracked>();

  constructor(private readonly phaseCount: number, private readonly watchStartMs: number) {}

  observe(s: ObjectSnapshot, observedAtMs: number): void {
    const id = `${s.namespace}/${s.name}`;
    let t = this.objects.get(id);
    if (!t) {
      // Created well before the watch: its history was not observed, only server times count.
      const preexisting = s.createdMs < this.watchStartMs - 2000;
      t = { snapshot: s, createdObservedMs: preexisting ? NaN : observedAtMs, serverMs: new Array(this.phaseCount).fill(NaN), observedMs: new Array(this.phaseCount).fill(NaN) };
      this.objects.set(id, t);
    }
    for (let i = 0; i < this.phaseCount; i++) {
      if (Number.isNaN(s.phases[i]!) || !Number.isNaN(t.serverMs[i]!)) continue;
      t.serverMs[i] = s.phases[i]!;
      if (!Number.isNaN(t.createdObservedMs)) t.observedMs[i] = observedAtMs;
    }
  }

  tracked(): Tracked[] {
    return [...this.objects.values()];
  }

  /** Objects created after the watch began (their creation was observed). */
  joined(): Tracked[] {
    return this.tracked().filter((t) => !Number.isNaN(t.createdObservedMs));
  }
}

export function objectLatencyResult(spec: ObjectLatencySpec, tracker: ObjectLatencyTracker, meta: { uuid: string; jobName: string; thresholds: LatencyThreshold[] }): MeasurementResult {
  const timestamp = collectTimestamp();
  const objects = spec.joinedOnly ? tracker.joined() : tracker.tracked();
  let invalid = 0;
  const perObject = objects.map((t) => {
    const doc: Record<string, unknown> = { timestamp: isoTime(t.snapshot.createdMs) };
    const watchLatencies: Record<string, number | null> = {};
    let bad = false;
    spec.phases.forEach((phase, i) => {
      const server = t.serverMs[i]! - t.snapshot.createdMs;
      if (Number.isNaN(server) || server < 0) bad = true;
      doc[phase.field] = Number.isNaN(server) ? 0 : Math.max(0, Math.round(server));
      const watch = t.observedMs[i]! - t.createdObservedMs;
      watchLatencies[phase.field] = Number.isNaN(watch) ? null : Math.round(watch * 10) / 10;
    });
    if (bad) invalid++;
    return { ...doc, metricName: `${spec.measurement}Measurement`, uuid: meta.uuid, jobName: meta.jobName, namespace: t.snapshot.namespace, name: t.snapshot.name, ...t.snapshot.fields, clock: 'server-s', watchLatencies };
  });
  const quantiles: QuantileSummary[] = [];
  const serverByPhase = new Map<string, QuantileSummary>();
  const quantileDocs: object[] = [];
  const watchQuantileDocs: object[] = [];
  spec.phases.forEach((phase, i) => {
    const server = objects.map((t) => Math.max(0, t.serverMs[i]! - t.snapshot.createdMs));
    const watch = objects.map((t) => t.observedMs[i]! - t.createdObservedMs);
    const s = summarize(phase.name, server, 'server-s', 'interpolatedRank');
    const w = summarize(phase.name, watch, 'watch-ms', 'interpolatedRank');
    if (s) {
      serverByPhase.set(phase.name, s);
      quantiles.push(s);
      quantileDocs.push(quantileDocument(s, { metricName: `${spec.measurement}QuantilesMeasurement`, quantileName: phase.name, timestamp, ...meta }));
    }
    if (w) {
      quantiles.push(w);
      watchQuantileDocs.push(quantileDocument(w, { metricName: `${spec.measurement}WatchQuantilesMeasurement`, quantileName: phase.name, timestamp, ...meta }));
    }
  });
  return {
    name: spec.measurement,
    // Watch-clock quantiles in a file of their own: kube-burner's quantiles file holds its server-clock ones only.
    documents: [
      documentFile(`${spec.measurement}Measurement`, meta.jobName, perObject),
      documentFile(`${spec.measurement}QuantilesMeasurement`, meta.jobName, quantileDocs),
      documentFile(`${spec.measurement}WatchQuantilesMeasurement`, meta.jobName, watchQuantileDocs),
    ].filter((f) => f.docs.length > 0),
    quantiles,
    thresholds: checkLatencyThresholds(spec.measurement, meta.thresholds, serverByPhase),
    slis: [],
    invalid: { count: invalid, total: objects.length },
    errors: [],
  };
}

/** A measurement from a spec: watch, track, and build the result at collect. */
export class ObjectLatencyMeasurement implements Measurement {
  private tracker: ObjectLatencyTracker;
  private watch?: { stop(): unknown };
  private meta = { uuid: '', jobName: '', thresholds: [] as LatencyThreshold[] };

  constructor(private readonly spec: ObjectLatencySpec, private readonly thresholds: LatencyThreshold[] = []) {
    this.tracker = new ObjectLatencyTracker(spec.phases.length, nowMs());
  }

  get name(): string {
    return this.spec.measurement;
  }

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName, thresholds: this.thresholds };
    this.tracker = new ObjectLatencyTracker(this.spec.phases.length, nowMs());
    const tracker = this.tracker;
    const handle = ctx.client.watchResources({
      apiVersion: this.spec.apiVersion,
      kind: this.spec.kind,
      ...(this.spec.selectRun ? { labelSelector: ctx.labelSelector } : {}),
      project: this.spec.project,
      onEvent: (_type, snapshot, observedAtMs) => tracker.observe(snapshot, observedAtMs),
    });
    this.watch = handle;
    await handle.synced;
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
  }

  async collect(): Promise<MeasurementResult> {
    return objectLatencyResult(this.spec, this.tracker, this.meta);
  }
}

/** The plugin of a spec'd measurement: its only option is kube-burner's `thresholds` on its phases. */
export function objectLatencyPlugin(spec: ObjectLatencySpec, jobTypes: readonly JobType[] | 'all'): MeasurementPlugin<{ thresholds: LatencyThreshold[] }> {
  return {
    name: spec.measurement,
    jobTypes,
    parseOptions(raw, at) {
      const options = new OptionReader(raw, at, [], spec.measurement, ['name']);
      const thresholds = readLatencyThresholds(options, spec.phases.map((p) => p.name));
      options.finish();
      return { thresholds };
    },
    create: ({ thresholds }) => new ObjectLatencyMeasurement(spec, thresholds),
    access: () => [kindAccess(spec.apiVersion, spec.kind, ['list', 'watch'], `${spec.measurement} watches ${spec.kind} objects`)],
  };
}

/** Server time a condition of `type` last changed to `status` (any status when omitted). */
export function conditionTimeMs(obj: any, type: string, status?: string): number {
  const c = (obj?.status?.conditions ?? []).find((x: any) => x?.type === type);
  if (!c || (status !== undefined && c.status !== status)) return NaN;
  return typeof c.lastTransitionTime === 'string' ? Date.parse(c.lastTransitionTime) : NaN;
}

export function baseSnapshot(obj: any, phases: number[]): ObjectSnapshot {
  return {
    namespace: String(obj?.metadata?.namespace ?? ''),
    name: String(obj?.metadata?.name ?? ''),
    createdMs: Date.parse(obj?.metadata?.creationTimestamp ?? ''),
    phases,
  };
}
