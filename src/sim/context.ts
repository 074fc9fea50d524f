import { nowMs } from '../shared/clock.js';
import { seededRandom, sampleLatency } from './random.js';
import type { MemoryStore } from './store.js';
import { kubeTime } from './store.js';
import type { KubeObject, PodTransition, SimContext, SimProfile } from './types.js';

/** The ground truth of pod transitions, keyed namespace/name, as /debug/sim/truth serves it. */
export interface PodTruth {
  uid: string;
  transitions: Partial<Record<PodTransition, number>>;
}

export class TruthRecorder {
  private readonly pods = new Map<string, PodTruth>();

  record(pod: KubeObject, transition: PodTransition, atMs: number): void {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const uid = pod.metadata.uid ?? '';
    let entry = this.pods.get(key);
    // A new pod under a reused name (StatefulSets) starts a fresh record.
    if (!entry || entry.uid !== uid) this.pods.set(key, (entry = { uid, transitions: {} }));
    entry.transitions[transition] ??= atMs;
  }

  toJSON(): { pods: Record<string, PodTruth> } {
    return { pods: Object.fromEntries(this.pods) };
  }
}

/** Timers the simulator cancels all at once when it stops. */
export class TimerSet {
  private readonly handles = new Set<NodeJS.Timeout>();
  private stopped = false;

  setTimeout(fn: () => void, ms: number): void {
    if (this.stopped) return;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.handles.add(handle);
  }

  clear(): void {
    this.stopped = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}

let microSecond = -1;
let microPrefix = '';

/** RFC 3339 with microseconds (metav1.MicroTime); the seconds part is formatted once per second. */
function microTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== microSecond) {
    microSecond = second;
    microPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const micros = Math.floor((ms - second * 1000) * 1000);
  return `${microPrefix}.${String(micros).padStart(6, '0')}Z`;
}

const TWO_32 = 2 ** 32;

/** (micros x 1000 + extra) in hexadecimal, exactly, without BigInt (micros < 2^53, extra < 1000). */
export function nanosHex(micros: number, extra: number): string {
  const lowTimes = (micros % TWO_32) * 1000 + extra;
  const high = Math.floor(micros / TWO_32) * 1000 + Math.floor(lowTimes / TWO_32);
  const low = lowTimes % TWO_32;
  return high > 0 ? high.toString(16) + low.toString(16).padStart(8, '0') : low.toString(16);
}

/** The scheduler records through events.k8s.io/v1 (eventTime, action, no first/last timestamps). */
const SCHEDULER = 'default-scheduler';
const SCHEDULER_INSTANCE = `${SCHEDULER}-burn-sim-control-plane`;
const SCHEDULER_ACTIONS: Record<string, string> = { Scheduled: 'Binding', FailedScheduling: 'Scheduling' };

/**
 * An event as the component that records it writes it. The scheduler uses the events.k8s.io/v1
 * recorder: `eventTime` (microseconds), `action`, `reportingController`/`reportingInstance`, an
 * empty `source` and no first/last timestamps or count. The kubelet and the controllers use the
 * core/v1 recorder: `source` (the kubelet adds its node as host), first/last timestamps in whole
 * seconds, `count` 1, no `eventTime`. Both name an event `<object>.<creation time in unix
 * nanoseconds, hex>`, which kube-burner reads back as the time of a container's start.
 */
export function eventObject(involved: KubeObject, type: string, reason: string, message: string, component: string, atMs: number, seq: number, fieldPath?: string): KubeObject {
  const meta = involved.metadata;
  const involvedObject: Record<string, unknown> = { apiVersion: involved.apiVersion, kind: involved.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion };
  if (fieldPath) involvedObject.fieldPath = fieldPath;
  const metadata = { name: `${meta.name}.${nanosHex(Math.floor(atMs * 1000), seq % 1000)}`, namespace: meta.namespace ?? 'default' };
  // Built in one literal each (no spreads): the simulator records four events per pod.
  if (component === SCHEDULER) {
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata,
      involvedObject,
      reason,
      message,
      type,
      source: {},
      eventTime: microTime(atMs),
      action: SCHEDULER_ACTIONS[reason] ?? reason,
      reportingComponent: SCHEDULER,
      reportingInstance: SCHEDULER_INSTANCE,
    };
  }
  const host = component === 'kubelet' ? (involved.spec?.nodeName as string | undefined) : undefined;
  const at = kubeTime(atMs);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata,
    involvedObject,
    reason,
    message,
    type,
    source: host ? { component, host } : { component },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    reportingComponent: component,
    reportingInstance: host ?? '',
  };
}

export function createSimContext(store: MemoryStore, profile: SimProfile, seed: number, truth: TruthRecorder, timers: TimerSet): SimContext {
  const random = seededRandom(seed);
  let eventSeq = 0;
  return {
    store,
    profile,
    random,
    sample: (spec) => sampleLatency(spec, random),
    now: nowMs,
    recordEvent(involved, type, reason, message, component, fieldPath) {
      const event = eventObject(involved, type, reason, message, component, nowMs(), eventSeq++, fieldPath);
      try {
        store.create('events', event, true);
      } catch {
        // The namespace is gone or terminating: the real recorders drop such events too.
      }
    },
    recordTruth: (pod, transition, atMs) => truth.record(pod, transition, atMs),
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
  };
}
