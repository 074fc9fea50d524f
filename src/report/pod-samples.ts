/**
 * Per-pod figures from the podLatencyMeasurement documents: latency samples per condition
 * (the watch clock, ms, when the documents carry it; else the server clock, 1 s precision)
 * and when pods were created, scheduled and ready (server timestamps).
 */
import { docsOf, isObject, num, str, type JsonObject, type RunFolder } from './run-folder.js';

/** Pod conditions in the order a pod reaches them, with kube-burner's per-pod field names. */
export const POD_CONDITIONS = [
  { name: 'PodScheduled', field: 'schedulingLatency' },
  { name: 'Initialized', field: 'initializedLatency' },
  { name: 'PodReadyToStartContainers', field: 'readyToStartContainersLatency' },
  { name: 'ContainersStarted', field: 'containersStartedLatency' },
  { name: 'ContainersReady', field: 'containersReadyLatency' },
  { name: 'Ready', field: 'podReadyLatency' },
] as const;

export type PodCondition = (typeof POD_CONDITIONS)[number]['name'];
export type SampleClock = 'watch-ms' | 'server-s';

export interface ConditionSamples {
  condition: PodCondition;
  clock: SampleClock;
  /** Latencies in ms, in document order. */
  values: number[];
}

export function podDocuments(folder: RunFolder, jobName?: string): JsonObject[] {
  const docs = docsOf(folder, 'podLatencyMeasurement');
  return jobName === undefined ? docs : docs.filter((d) => d.jobName === jobName);
}

function watchLatency(doc: JsonObject, field: string): number {
  return isObject(doc.watchLatencies) ? num(doc.watchLatencies[field]) : NaN;
}

/** A condition's latency of every pod that has it, on the given clock. */
export function conditionValues(docs: JsonObject[], field: string, clock: SampleClock): number[] {
  const values = clock === 'watch-ms' ? docs.map((d) => watchLatency(d, field)) : docs.map((d) => num(d[field]));
  return values.filter(Number.isFinite);
}

/** The watch clock when most pods carry it (ms precision), else the server clock (1 s precision). */
export function preferredClock(docs: JsonObject[]): SampleClock {
  const withWatch = docs.filter((d) => Number.isFinite(watchLatency(d, 'podReadyLatency'))).length;
  return withWatch > 0 && withWatch >= docs.length / 2 ? 'watch-ms' : 'server-s';
}

/** Samples of every condition some pod reached (a condition all pods have at 0 ms is left out). */
export function conditionSamples(docs: JsonObject[]): ConditionSamples[] {
  const clock = preferredClock(docs);
  const out: ConditionSamples[] = [];
  for (const { name, field } of POD_CONDITIONS) {
    const values = conditionValues(docs, field, clock);
    if (values.some((v) => v > 0)) out.push({ condition: name, clock, values });
  }
  return out;
}

export interface PodTimeline {
  /** Epoch ms, ascending, one entry per pod that reached the state. */
  created: number[];
  scheduled: number[];
  ready: number[];
}

/** When each pod was created, scheduled and ready, on the server clock (creationTimestamp + latency). */
export function podTimeline(docs: JsonObject[]): PodTimeline {
  const created: number[] = [];
  const scheduled: number[] = [];
  const ready: number[] = [];
  for (const doc of docs) {
    const at = Date.parse(str(doc.timestamp));
    if (Number.isNaN(at)) continue;
    created.push(at);
    const s = num(doc.schedulingLatency);
    if (Number.isFinite(s)) scheduled.push(at + s);
    const r = num(doc.podReadyLatency);
    if (Number.isFinite(r) && r > 0) ready.push(at + r);
  }
  const asc = (a: number, b: number) => a - b;
  return { created: created.sort(asc), scheduled: scheduled.sort(asc), ready: ready.sort(asc) };
}
