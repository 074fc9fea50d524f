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
import type { Measurement, MeasurementContext, MeasurementResult, MeasurementWatch, QuantileSummary } from './types.js';
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
  /** Created after the watch began (not one that was already there). */
  joined: boolean;
  createdObservedMs: number;
  serverMs: number[];
  observedMs: number[];
}

export class ObjectLatencyTracker {
  private readonly objects = new Map<string, Tracked>();

  constructor(private readonly phaseCount: number, private readonly watchStartMs: number) {}

  /** `late`: read from a list because the watch had not shown it: server times only. */
  observe(s: ObjectSnapshot, observedAtMs: number, late = false): void {
    const id = `${s.namespace}/${s.name}`;
    let t = this.objects.get(id);
    if (!t) {
      // Created well before the watch: its history was not observed, only server times count.
      const preexisting = s.createdMs < this.watchStartMs - 2000;
      t = { snapshot: s, joined: !preexisting, createdObservedMs: preexisting || late ? NaN : observedAtMs, serverMs: new Array(this.phaseCount).fill(NaN), observedMs: new Array(this.phaseCount).fill(NaN) };
      this.objects.set(id, t);
    }
    for (let i = 0; i < this.phaseCount; i++) {
      if (Number.isNaN(s.phases[i]!) || !Number.isNaN(t.serverMs[i]!)) continue;
      t.serverMs[i] = s.phases[i]!;
      if (!late && !Number.isNaN(t.createdObservedMs)) t.observedMs[i] = observedAtMs;
    }
  }

  /** Whether the watch has shown the object at least as far along as `s` (the server's view): every phase it reached. */
  shows(s: ObjectSnapshot): boolean {
    const t = this.objects.get(`${s.namespace}/${s.name}`);
    return t !== undefined && s.phases.every((at, i) => Number.isNaN(at) || !Number.isNaN(t.serverMs[i]!));
  }

  tracked(): Tracked[] {
    return [...this.objects.values()];
  }

  /** Objects created after the watch began. */
  joined(): Tracked[] {
    return this.tracked().filter((t) => t.joined);
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

/** How long, after the job's waits, a measurement waits for its watch to show what the server has. */
export const WATCH_CATCH_UP_MS = 10_000;

/** A measurement from a spec: watch, track, and build the result at collect. */
export class ObjectLatencyMeasurement implements Measurement {
  private tracker: ObjectLatencyTracker;
  private watch?: MeasurementWatch<ObjectSnapshot>;
  private meta = { uuid: '', jobName: '', thresholds: [] as LatencyThreshold[] };
  private warnings: string[] = [];

  constructor(private readonly spec: ObjectLatencySpec, private readonly thresholds: LatencyThreshold[] = []) {
    this.tracker = new ObjectLatencyTracker(spec.phases.length, nowMs());
  }

  get name(): string {
    return this.spec.measurement;
  }

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName, thresholds: this.thresholds };
    this.tracker = new ObjectLatencyTracker(this.spec.phases.length, nowMs());
    this.warnings = [];
    const tracker = this.tracker;
    const handle = ctx.client.watchResources({
      apiVersion: this.spec.apiVersion,
      kind: this.spec.kind,
      ...(this.spec.selectRun ? { labelSelector: ctx.labelSelector } : {}),
      project: this.spec.project,
      // seen after the watch was cut off (lateByMs): the server times only
      onEvent: (_type, snapshot, observedAtMs, lateByMs) => tracker.observe(snapshot, observedAtMs, Boolean(lateByMs)),
    });
    this.watch = handle;
    await handle.synced;
  }

  async stop(): Promise<void> {
    // Waits for phases, not versions: nodes' status heartbeats keep their versions moving.
    const lagging = (await this.watch?.caughtUp?.(WATCH_CATCH_UP_MS, (s) => !this.tracker.shows(s)).catch(() => [])) ?? [];
    for (const snapshot of lagging) this.tracker.observe(snapshot, NaN, true);
    if (lagging.length > 0) {
      this.warnings.push(`${this.spec.measurement}: ${lagging.length} ${this.spec.kind}(s) the watch had not shown ${WATCH_CATCH_UP_MS / 1000} s after the job's waits: their server times are kept, their watch-clock latencies are left out`);
    }
    await this.watch?.stop();
  }

  async collect(): Promise<MeasurementResult> {
    const result = objectLatencyResult(this.spec, this.tracker, this.meta);
    return this.warnings.length > 0 ? { ...result, warnings: [...(result.warnings ?? []), ...this.warnings] } : result;
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
