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

function microTime(ms: number): string {
  const d = new Date(ms);
  const micros = Math.floor((ms % 1000) * 1000)
    .toString()
    .padStart(6, '0');
  return `${d.toISOString().slice(0, 19)}.${micros}Z`;
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
    recordEvent(involved, type, reason, message, component) {
      const at = nowMs();
      const namespace = involved.metadata.namespace ?? 'default';
      const name = `${involved.metadata.name}.${(Math.floor(at * 1000) * 16 + (eventSeq++ % 16)).toString(16)}`;
      const event: KubeObject = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name: involved.metadata.name,
          namespace: involved.metadata.namespace,
          uid: involved.metadata.uid,
          resourceVersion: involved.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component },
        firstTimestamp: kubeTime(at),
        lastTimestamp: kubeTime(at),
        eventTime: microTime(at),
        count: 1,
        reportingComponent: component,
        reportingInstance: '',
      };
      try {
        store.create('events', event);
      } catch {
        // The namespace is gone or terminating: the real recorders drop such events too.
      }
    },
    recordTruth: (pod, transition, atMs) => truth.record(pod, transition, atMs),
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
  };
}
