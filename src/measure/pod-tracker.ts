/**
 * Per-pod timestamps for podLatency, stored in columns (typed arrays) so that tracking
 * 150,000 pods costs a few hundred bytes each and never holds a pod object.
 *
 * Two clocks per phase:
 * - server: the apiserver/kubelet timestamp (creationTimestamp, condition lastTransitionTime,
 *   containerStatuses startedAt), 1 s precision, as kube-burner reports;
 * - watch: when burn's watch delivered the event that first showed the phase, ms precision.
 *   Latencies on this clock run from the watch-observed creation (ADDED) to the phase. An event
 *   the watch delivered after an outage (src/kube/watch.ts) carries how much earlier it may have
 *   happened: the latencies it touches are known to within that, not exactly.
 * A pod that existed before the watch started has no watch times (its history was not observed).
 */

export const PHASES = ['PodScheduled', 'Initialized', 'PodReadyToStartContainers', 'ContainersReady', 'Ready', 'ContainersStarted'] as const;
export type Phase = (typeof PHASES)[number];
export const PHASE_INDEX: Record<Phase, number> = Object.fromEntries(PHASES.map((p, i) => [p, i])) as Record<Phase, number>;

/** What the watch keeps of one pod event: transient, dropped after `observe`. */
export interface PodSnapshot {
  namespace: string;
  name: string;
  nodeName: string;
  iteration: number;
  replica: number;
  /** creationTimestamp, ms since epoch (whole seconds). */
  createdMs: number;
  /** Server time (ms since epoch) each phase was reached, NaN when not (yet). Indexed like PHASES. */
  phases: number[];
}

const FLAG_PREEXISTING = 1;
const FLAG_DELETED = 2;
/** Started on the server (a final LIST says so) but never seen so on the watch before the measurement stopped. */
const FLAG_UNOBSERVED = 4;
/** The watch was still cut off from the API server when the measurement stopped, and had not shown the pod started. */
const FLAG_BLIND = 8;
const NUM_PHASES = PHASES.length;
/** Slack for the 1 s precision of creationTimestamp when deciding a pod predates the watch. */
const PREEXISTING_SLACK_MS = 2000;
const MAX_PENDING_PULLS = 20_000;

/** Server timestamps have 1 s precision, so the same strings recur across pods and events: parse each once. */
const parsedTimes = new Map<string, number>();
const PARSED_TIMES_LIMIT = 4096;

function parseTimeMs(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  let ms = parsedTimes.get(value);
  if (ms === undefined) {
    if (parsedTimes.size >= PARSED_TIMES_LIMIT) parsedTimes.clear();
    ms = Date.parse(value);
    parsedTimes.set(value, ms);
  }
  return ms;
}

/** Reduces a raw pod (plain JSON from the API) to a PodSnapshot; never keeps a reference to it. */
export function projectPod(pod: any): PodSnapshot {
  const meta = pod?.metadata ?? {};
  const status = pod?.status ?? {};
  const labels = meta.labels ?? {};
  const phases = new Array<number>(NUM_PHASES).fill(NaN);
  for (const c of status.conditions ?? []) {
    const i = PHASE_INDEX[c?.type as Phase];
    if (i !== undefined && c.status === 'True') phases[i] = parseTimeMs(c.lastTransitionTime);
  }
  phases[PHASE_INDEX.ContainersStarted] = allContainersStartedMs(pod);
  return {
    namespace: String(meta.namespace ?? ''),
    name: String(meta.name ?? ''),
    nodeName: String(pod?.spec?.nodeName ?? ''),
    iteration: Number(labels['burn.dev/iteration'] ?? labels['kube-burner-index'] ?? 0) || 0,
    replica: Number(labels['burn.dev/replica'] ?? 0) || 0,
    createdMs: parseTimeMs(meta.creationTimestamp),
    phases,
  };
}

/** The latest startedAt once every container of the pod has started; NaN before. */
function allContainersStartedMs(pod: any): number {
  const statuses: any[] = pod?.status?.containerStatuses ?? [];
  const expected = Array.isArray(pod?.spec?.containers) ? pod.spec.containers.length : statuses.length;
  if (statuses.length === 0 || statuses.length < expected) return NaN;
  let latest = -Infinity;
  for (const cs of statuses) {
    const startedAt = cs?.state?.running?.startedAt ?? cs?.state?.terminated?.startedAt;
    const t = parseTimeMs(startedAt);
    if (Number.isNaN(t)) return NaN;
    if (t > latest) latest = t;
  }
  return latest;
}

interface Pull {
  start: number;
  end: number;
  /** The most any of its events was seen late (after an outage of the events watch). */
  lateMs: number;
}

/** First start, last end. A `Pulled` without any `Pulling` (image already present) leaves pullMs at 0. */
function mergePull(pull: Pull, edge: 'start' | 'end', atMs: number, lateByMs: number): Pull {
  const lateMs = Math.max(pull.lateMs, lateByMs);
  if (edge === 'start') return { start: Number.isNaN(pull.start) ? atMs : Math.min(pull.start, atMs), end: pull.end, lateMs };
  return { start: pull.start, end: Number.isNaN(pull.end) ? atMs : Math.max(pull.end, atMs), lateMs };
}

/** One pod's record, materialised on demand for documents. */
export interface PodRecord {
  namespace: string;
  name: string;
  nodeName: string;
  iteration: number;
  replica: number;
  createdMs: number;
  createdObservedMs: number;
  serverMs: number[];
  observedMs: number[];
  preexisting: boolean;
  /** Watch-observed time from the first `Pulling` to the last `Pulled` event of the pod, ms; 0 when nothing was pulled. */
  pullMs: number;
}

export class PodTracker {
  private capacity = 0;
  private count = 0;
  private createdServer = new Float64Array(0);
  private createdObserved = new Float64Array(0);
  private server = new Float64Array(0); // count x NUM_PHASES
  private observed = new Float64Array(0);
  /** How much earlier than observed the creation, and each phase, may have happened (events after a watch outage); 0: on time. */
  private createdLate = new Float32Array(0);
  private observedLate = new Float32Array(0); // count x NUM_PHASES
  private iterationReplica = new Int32Array(0); // count x 2
  private nodeIndex = new Uint32Array(0);
  private namespaceIndex = new Uint32Array(0);
  private flags = new Uint8Array(0);
  /** Watch-observed first Pulling and last Pulled event times (image pulls, subtracted from the pod startup SLI). */
  private pullStart = new Float64Array(0);
  private pullEnd = new Float64Array(0);
  private pullLate = new Float32Array(0);
  private readonly names: string[] = [];
  /** namespace -> pod name -> row. Nested so no "ns/name" string is built per pod. */
  private readonly rows = new Map<string, Map<string, number>>();
  private readonly interned: string[] = [];
  private readonly internIndex = new Map<string, number>();
  /** Pull events of pods not seen yet (events and pods come on different watches). */
  private readonly pendingPulls = new Map<string, Pull>();

  /** @param watchStartMs when the watch started: pods created well before it are marked pre-existing. */
  constructor(private readonly watchStartMs: number) {}

  get size(): number {
    return this.count;
  }

  /** Whether the watch has shown the pod at least as far along as `snapshot` (the server's view): every phase it reached. */
  shows(snapshot: PodSnapshot): boolean {
    const row = this.rows.get(snapshot.namespace)?.get(snapshot.name);
    if (row === undefined) return false;
    const base = row * NUM_PHASES;
    for (let i = 0; i < NUM_PHASES; i++) {
      if (!Number.isNaN(snapshot.phases[i]!) && Number.isNaN(this.server[base + i]!)) return false;
    }
    return true;
  }

  /**
   * A pod the server reports further along than the watch showed by the end (the watch lagged or was
   * cut): its server times are taken, its watch-clock times stay unknown and it is left out of the
   * watch-clock figures, never counted as a pod that did not start.
   */
  observeLate(snapshot: PodSnapshot): void {
    const row = this.rows.get(snapshot.namespace)?.get(snapshot.name) ?? this.add(snapshot, NaN);
    const base = row * NUM_PHASES;
    for (let i = 0; i < NUM_PHASES; i++) {
      if (Number.isNaN(this.server[base + i]!) && !Number.isNaN(snapshot.phases[i]!)) this.server[base + i] = snapshot.phases[i]!;
    }
    this.flags[row]! |= FLAG_UNOBSERVED;
  }

  isUnobserved(row: number): boolean {
    return (this.flags[row]! & FLAG_UNOBSERVED) !== 0;
  }

  /** Records one watch event of a pod; lateByMs: it may have happened up to this long before it was observed (after a watch outage). */
  observe(snapshot: PodSnapshot, observedAtMs: number, lateByMs = 0): void {
    let row = this.rows.get(snapshot.namespace)?.get(snapshot.name);
    if (row === undefined) {
      row = this.add(snapshot, observedAtMs);
      this.createdLate[row] = lateByMs;
    }
    if (this.nodeIndex[row] === 0 && snapshot.nodeName) this.nodeIndex[row] = this.intern(snapshot.nodeName);
    const preexisting = (this.flags[row]! & FLAG_PREEXISTING) !== 0;
    const base = row * NUM_PHASES;
    for (let i = 0; i < NUM_PHASES; i++) {
      const t = snapshot.phases[i]!;
      if (Number.isNaN(t) || !Number.isNaN(this.server[base + i]!)) continue;
      this.server[base + i] = t;
      if (preexisting) continue;
      this.observed[base + i] = observedAtMs;
      this.observedLate[base + i] = lateByMs;
    }
  }

  /**
   * Creation to all containers started on the watch clock, and by how much the true span may be
   * shorter (the start was seen late) or longer (the creation was); NaN when not seen started.
   */
  watchStartup(row: number): { ms: number; shorterByMs: number; longerByMs: number } {
    const i = row * NUM_PHASES + PHASE_INDEX.ContainersStarted;
    return { ms: this.observed[i]! - this.createdObserved[row]!, shorterByMs: this.observedLate[i]!, longerByMs: this.createdLate[row]! };
  }

  /** The watch was still cut off when the measurement stopped: pods not seen started may have started unseen. */
  markUnstartedBlind(): void {
    const started = PHASE_INDEX.ContainersStarted;
    for (let row = 0; row < this.count; row++) {
      if ((this.flags[row]! & (FLAG_PREEXISTING | FLAG_DELETED)) === 0 && Number.isNaN(this.server[row * NUM_PHASES + started]!)) this.flags[row]! |= FLAG_BLIND;
    }
  }

  /** The watch was cut off at the end before it showed the pod started (markUnstartedBlind). */
  isBlind(row: number): boolean {
    return (this.flags[row]! & FLAG_BLIND) !== 0;
  }

  /**
   * Pods seen started whose image pull was seen starting but not ending: the `Pulled` event is
   * still on its way (events and pods come on different watches, and events lag under load).
   */
  unfinishedPulls(): number {
    const started = PHASE_INDEX.ContainersStarted;
    let n = 0;
    for (let row = 0; row < this.count; row++) {
      if (!Number.isNaN(this.observed[row * NUM_PHASES + started]!) && Number.isNaN(this.pullMs(row))) n++;
    }
    return n;
  }

  /** The pod was deleted (a DELETED watch event): one that never started was not waited for to the end. */
  markDeleted(namespace: string, name: string): void {
    const row = this.rows.get(namespace)?.get(name);
    if (row !== undefined) this.flags[row]! |= FLAG_DELETED;
  }

  isPreexisting(row: number): boolean {
    return (this.flags[row]! & FLAG_PREEXISTING) !== 0;
  }

  isDeleted(row: number): boolean {
    return (this.flags[row]! & FLAG_DELETED) !== 0;
  }

  /** The kubelet's `Pulling` (start) or `Pulled` (end) event for one of the pod's images, as observed (lateByMs: see observe). */
  observePull(namespace: string, name: string, edge: 'start' | 'end', observedAtMs: number, lateByMs = 0): void {
    const row = this.rows.get(namespace)?.get(name);
    if (row === undefined) {
      const key = `${namespace}/${name}`;
      const pending = this.pendingPulls.get(key) ?? { start: NaN, end: NaN, lateMs: 0 };
      // The events watch sees every pod's pulls, most of them not this run's: keep the newest only.
      if (this.pendingPulls.size >= MAX_PENDING_PULLS) this.pendingPulls.delete(this.pendingPulls.keys().next().value!);
      this.pendingPulls.set(key, mergePull(pending, edge, observedAtMs, lateByMs));
      return;
    }
    const merged = mergePull({ start: this.pullStart[row]!, end: this.pullEnd[row]!, lateMs: this.pullLate[row]! }, edge, observedAtMs, lateByMs);
    this.pullStart[row] = merged.start;
    this.pullEnd[row] = merged.end;
    this.pullLate[row] = merged.lateMs;
  }

  /** How far the pod's pull time may be off because one of its pull events was seen late: either way, at most this. */
  pullUncertainMs(row: number): number {
    return this.pullLate[row]!;
  }

  /**
   * How long the pod's image pulls took (first Pulling to last Pulled, watch clock): 0 when it pulled
   * nothing, NaN when a pull was seen starting but not ending.
   */
  pullMs(row: number): number {
    const start = this.pullStart[row]!;
    if (Number.isNaN(start)) return 0;
    return this.pullEnd[row]! >= start ? this.pullEnd[row]! - start : NaN;
  }

  record(row: number): PodRecord {
    const base = row * NUM_PHASES;
    return {
      namespace: this.interned[this.namespaceIndex[row]! - 1]!,
      name: this.names[row]!,
      nodeName: this.nodeIndex[row] ? this.interned[this.nodeIndex[row]! - 1]! : '',
      iteration: this.iterationReplica[row * 2]!,
      replica: this.iterationReplica[row * 2 + 1]!,
      createdMs: this.createdServer[row]!,
      // what was seen late (after a watch outage) has no exact watch time
      createdObservedMs: this.createdLate[row]! > 0 ? NaN : this.createdObserved[row]!,
      serverMs: Array.from(this.server.subarray(base, base + NUM_PHASES)),
      observedMs: Array.from(this.observed.subarray(base, base + NUM_PHASES), (t, i) => (this.observedLate[base + i]! > 0 ? NaN : t)),
      preexisting: (this.flags[row]! & FLAG_PREEXISTING) !== 0,
      pullMs: this.pullMs(row),
    };
  }

  *records(): IterableIterator<PodRecord> {
    for (let row = 0; row < this.count; row++) yield this.record(row);
  }

  /**
   * Latency of a phase for every pod, ms, NaN where unknown.
   * server: phase server time - creationTimestamp; watch: phase observed - creation observed, NaN
   * where either was seen late (after a watch outage).
   */
  latencies(phase: Phase, clock: 'server' | 'watch'): Float64Array {
    const out = new Float64Array(this.count);
    const i = PHASE_INDEX[phase];
    const [column, start] = clock === 'server' ? [this.server, this.createdServer] : [this.observed, this.createdObserved];
    for (let row = 0; row < this.count; row++) {
      const late = clock === 'watch' && (this.createdLate[row]! > 0 || this.observedLate[row * NUM_PHASES + i]! > 0);
      out[row] = late ? NaN : column[row * NUM_PHASES + i]! - start[row]!;
    }
    return out;
  }

  private add(snapshot: PodSnapshot, observedAtMs: number): number {
    if (this.count === this.capacity) this.grow();
    const row = this.count++;
    let byName = this.rows.get(snapshot.namespace);
    if (!byName) this.rows.set(snapshot.namespace, (byName = new Map()));
    byName.set(snapshot.name, row);
    this.names.push(snapshot.name);
    this.namespaceIndex[row] = this.intern(snapshot.namespace);
    this.iterationReplica[row * 2] = snapshot.iteration;
    this.iterationReplica[row * 2 + 1] = snapshot.replica;
    this.createdServer[row] = snapshot.createdMs;
    const preexisting = snapshot.createdMs < this.watchStartMs - PREEXISTING_SLACK_MS;
    this.createdObserved[row] = preexisting ? NaN : observedAtMs;
    this.flags[row] = preexisting ? FLAG_PREEXISTING : 0;
    const key = `${snapshot.namespace}/${snapshot.name}`;
    const pending = this.pendingPulls.get(key);
    if (pending) {
      this.pendingPulls.delete(key);
      this.pullStart[row] = pending.start;
      this.pullEnd[row] = pending.end;
      this.pullLate[row] = pending.lateMs;
    }
    return row;
  }

  private intern(value: string): number {
    let index = this.internIndex.get(value);
    if (index === undefined) {
      this.interned.push(value);
      index = this.interned.length; // 1-based: 0 means none
      this.internIndex.set(value, index);
    }
    return index;
  }

  private grow(): void {
    const capacity = Math.max(1024, Math.ceil(this.capacity * 1.5));
    const grow = <T extends Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array>(old: T, perRow: number, fill?: number): T => {
      const next = new (old.constructor as new (n: number) => T)(capacity * perRow);
      if (fill !== undefined) next.fill(fill);
      next.set(old);
      return next;
    };
    this.createdServer = grow(this.createdServer, 1, NaN);
    this.createdObserved = grow(this.createdObserved, 1, NaN);
    this.server = grow(this.server, NUM_PHASES, NaN);
    this.observed = grow(this.observed, NUM_PHASES, NaN);
    this.createdLate = grow(this.createdLate, 1);
    this.observedLate = grow(this.observedLate, NUM_PHASES);
    this.iterationReplica = grow(this.iterationReplica, 2);
    this.nodeIndex = grow(this.nodeIndex, 1);
    this.namespaceIndex = grow(this.namespaceIndex, 1);
    this.flags = grow(this.flags, 1);
    this.pullStart = grow(this.pullStart, 1, NaN);
    this.pullEnd = grow(this.pullEnd, 1, NaN);
    this.pullLate = grow(this.pullLate, 1);
    this.capacity = capacity;
  }
}
