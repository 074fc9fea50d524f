import type { KubeClient, KubeObject, WatchOutage } from '../kube/index.js';
import type { PodState } from './not-ready.js';
import { readinessOf, type StatusCheck } from './readiness.js';
import { kindAccess, watchAccess, type Access, type KindRef } from '../kube/index.js';

interface Expected {
  iteration: number;
  /** Which readiness rule judges it: 0 the kind's own, i + 1 the customStatusPaths of job object i. */
  rule: number;
  ready: boolean;
}

/** An object the job waited for that was deleted by someone else than burn. */
export interface VanishedObject {
  kind: string;
  namespace?: string;
  name: string;
  iteration: number;
}

/** How a wait ended. */
export type WaitEnd = 'ready' | 'timeout' | 'vanished' | 'aborted';

interface KindWatch {
  synced: Promise<void>;
  stop(): Promise<void>;
  outages?(): WatchOutage[];
}

/** A watch of the tracker's that is cut off from the API server now: it cannot see its objects become ready. */
export interface CutOffWatch {
  kind: string;
  sinceMs: number;
  error: string;
}

type Json = Record<string, any>;

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/**
 * What the tracker keeps of a ready pod: one shared record (what explains a wait is the pods that
 * are not ready; the ready ones are only counted).
 */
const READY_POD: PodState = Object.freeze({ namespace: '', name: '', ready: true });

/** Readiness under every rule, one shared array per combination (most objects are all-false or all-true). */
const readinessArrays = new Map<string, readonly boolean[]>();
function sharedReadiness(readiness: boolean[]): readonly boolean[] {
  const key = readiness.map((r) => (r ? '1' : '0')).join('');
  let shared = readinessArrays.get(key);
  if (!shared) readinessArrays.set(key, (shared = Object.freeze(readiness)));
  return shared;
}

export function podStateOf(pod: Json): PodState {
  const status = pod.status ?? {};
  const conditions: Json[] = status.conditions ?? [];
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  const readyCondition = conditions.find((c) => c.type === 'Ready');
  const waiting = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find((c: Json) => c.state?.waiting)?.state?.waiting;
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: status.phase,
    deleting: Boolean(pod.metadata?.deletionTimestamp),
    unschedulableMessage: scheduled?.status === 'False' ? scheduled.message || scheduled.reason : undefined,
    waitingReason: waiting?.reason,
    waitingMessage: waiting?.message,
    readyFalse: readyCondition?.status === 'False' ? [readyCondition.reason, readyCondition.message].filter(Boolean).join(': ') : undefined,
    ready: status.phase === 'Succeeded' || conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
  };
}

/**
 * Watches what a job created and knows, per iteration, how many objects are not ready yet, so a wait
 * is a counter reaching zero rather than a poll. Also keeps each of the job's pods' state for the
 * progress line and for explaining pods that never became ready.
 */
export class ReadinessTracker {
  private readonly expected = new Map<string, Expected>();
  /** Per watched object, its readiness under every rule (see Expected.rule). */
  private readonly observedReady = new Map<string, readonly boolean[]>();
  private readonly customRules: Array<((obj: Json) => boolean) | undefined>;
  private readonly pendingByIteration = new Map<number, number>();
  private readonly watches = new Map<string, KindWatch>();
  /** Kinds expected and not watched yet, by kind: their watches start with the first wait (see watchExpectedKinds). */
  private readonly unwatched = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  /** Expected objects deleted while expected (burn forgets what it deletes itself first). */
  readonly vanished: VanishedObject[] = [];
  /** The job's pods by namespace/name: the state of each not ready, READY_POD for the ready ones. */
  readonly pods = new Map<string, PodState>();
  private podsReady = 0;

  /**
   * `customStatusPaths[i]` are the waitOptions.customStatusPaths of the job's object i: its objects
   * are judged by them, every other object by its kind's rule.
   */
  constructor(
    private readonly client: KubeClient,
    private readonly labelSelector: string,
    customStatusPaths: ReadonlyArray<readonly StatusCheck[]> = [],
  ) {
    this.customRules = customStatusPaths.map((paths) => (paths.length ? readinessOf('', paths) : undefined));
  }

  get readyPods(): number {
    return this.podsReady;
  }

  /** Starts the pod watch; further kinds are watched from the first wait. */
  async start(): Promise<void> {
    this.watchKind('v1', 'Pod');
    await this.watches.get('Pod')!.synced;
  }

  /**
   * An object burn created from job object `objectIndex` that the job's wait must see ready. Objects
   * with neither customStatusPaths nor a rule for their kind are ignored.
   */
  expect(obj: KubeObject, iteration: number, objectIndex = -1): void {
    const rule = this.customRules[objectIndex] ? objectIndex + 1 : 0;
    if (rule === 0 && !readinessOf(obj.kind)) return;
    if (!this.watches.has(obj.kind)) this.unwatched.set(obj.kind, obj.apiVersion);
    const key = keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name!);
    if (this.expected.has(key)) return;
    const ready = this.observedReady.get(key)?.[rule] ?? false;
    this.expected.set(key, { iteration, rule, ready });
    if (!ready) this.adjust(iteration, +1);
  }

  /** Forgets objects burn deleted (churn), so waits do not count them. */
  forget(obj: Pick<KubeObject, 'kind' | 'metadata'>): void {
    const key = keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name!);
    const entry = this.expected.get(key);
    if (!entry) return;
    this.expected.delete(key);
    if (!entry.ready) this.adjust(entry.iteration, -1);
  }

  /** The watches cut off from the API server right now (see src/kube/watch.ts WatchOutage). */
  cutOff(): CutOffWatch[] {
    return [...this.watches].flatMap(([kind, watch]) => {
      const last = watch.outages?.().at(-1);
      return last && last.toMs === undefined ? [{ kind, sinceMs: last.fromMs, error: last.error }] : [];
    });
  }

  /** Objects expected and not ready yet, in the given iterations (all when omitted). */
  pending(iterations?: Iterable<number>): number {
    if (!iterations) {
      let total = 0;
      for (const n of this.pendingByIteration.values()) total += n;
      return total;
    }
    let total = 0;
    for (const i of iterations) total += this.pendingByIteration.get(i) ?? 0;
    return total;
  }

  /** Expected objects of the given iterations (all when omitted) that were deleted by someone else. */
  vanishedIn(iterations?: Iterable<number>): VanishedObject[] {
    if (!iterations) return [...this.vanished];
    const wanted = new Set(iterations);
    return this.vanished.filter((v) => wanted.has(v.iteration));
  }

  /**
   * Resolves 'ready' when nothing in `iterations` is pending, 'vanished' as soon as one of their
   * objects was deleted under the wait, 'timeout' at the deadline, 'aborted' on abort.
   */
  async waitReady(iterations: Iterable<number> | undefined, timeoutMs: number, signal?: AbortSignal): Promise<WaitEnd> {
    await this.watchExpectedKinds();
    await Promise.all([...this.watches.values()].map((w) => w.synced));
    const list = iterations ? [...iterations] : undefined;
    const state = (): WaitEnd | undefined => (signal?.aborted ? 'aborted' : this.vanishedIn(list).length ? 'vanished' : this.pending(list) === 0 ? 'ready' : undefined);
    const now = state();
    if (now) return now;
    return new Promise<WaitEnd>((resolve) => {
      const finish = (end: WaitEnd) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
        resolve(end);
      };
      const check = () => {
        const end = state();
        if (end) finish(end);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      this.waiters.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.stop()));
    this.watches.clear();
    for (const wake of this.waiters) wake();
  }

  private adjust(iteration: number, delta: number): void {
    const next = (this.pendingByIteration.get(iteration) ?? 0) + delta;
    if (next === 0) this.pendingByIteration.delete(iteration);
    else this.pendingByIteration.set(iteration, next);
    if (delta < 0) for (const wake of [...this.waiters]) wake();
  }

  private observe(key: string, readiness: readonly boolean[]): void {
    this.observedReady.set(key, readiness);
    const entry = this.expected.get(key);
    const ready = readiness[entry?.rule ?? 0] ?? false;
    if (!entry || entry.ready === ready) return;
    entry.ready = ready;
    this.adjust(entry.iteration, ready ? -1 : +1);
  }

  private deleted(key: string): void {
    this.observedReady.delete(key);
    const entry = this.expected.get(key);
    if (!entry) return;
    this.expected.delete(key);
    const [kind, namespace, name] = key.split('/') as [string, string, string];
    this.vanished.push({ kind, namespace: namespace || undefined, name, iteration: entry.iteration });
    if (!entry.ready) this.adjust(entry.iteration, -1);
    else for (const wake of [...this.waiters]) wake();
  }

  /**
   * Kinds other than pods are watched from the first wait, not from their first object: a job that
   * waits when it has finished then reads each object's state once (a list) instead of every status
   * change while it creates (500 Deployments: 2,000 events, 10 MB of JSON). An object expected before
   * its kind's list that the list does not have was deleted meanwhile.
   */
  private async watchExpectedKinds(): Promise<void> {
    if (this.unwatched.size === 0) return;
    const kinds = [...this.unwatched];
    this.unwatched.clear();
    const starting = new Set(kinds.map(([kind]) => kind));
    const expectedBefore = [...this.expected.keys()].filter((key) => starting.has(key.slice(0, key.indexOf('/'))));
    for (const [kind, apiVersion] of kinds) this.watchKind(apiVersion, kind);
    await Promise.all(kinds.map(([kind]) => this.watches.get(kind)!.synced));
    for (const key of expectedBefore) if (!this.observedReady.has(key)) this.deleted(key);
  }

  private watchKind(apiVersion: string, kind: string): void {
    if (this.watches.has(kind)) return;
    const isReady = readinessOf(kind) ?? (() => true);
    const handle = this.client.watchResources<{ key: string; ready: readonly boolean[]; pod?: PodState }>({
      apiVersion,
      kind,
      labelSelector: this.labelSelector,
      // podLatency follows the same pods: one stream for both
      share: true,
      project: (obj) => ({
        key: keyOf(kind, obj.metadata.namespace, obj.metadata.name!),
        ready: sharedReadiness([isReady(obj), ...this.customRules.map((rule) => rule?.(obj) ?? false)]),
        pod: kind === 'Pod' ? podStateOf(obj) : undefined,
      }),
      onEvent: (type, { key, ready, pod }) => {
        if (pod) this.trackPod(type, pod);
        if (type === 'DELETED') this.deleted(key);
        else this.observe(key, ready);
      },
    });
    this.watches.set(kind, handle);
  }

  private trackPod(type: string, pod: PodState): void {
    const key = `${pod.namespace}/${pod.name}`;
    const before = this.pods.get(key);
    if (before?.ready) this.podsReady--;
    if (type === 'DELETED') {
      this.pods.delete(key);
      return;
    }
    this.pods.set(key, pod.ready ? READY_POD : pod);
    if (pod.ready) this.podsReady++;
  }
}

/** The readiness tracker watches the run's pods, and each kind it waits for. */
export function trackerAccess(kinds: readonly KindRef[]): Access[] {
  const why = "burn waits for the run's objects to be ready";
  return [watchAccess('', 'pods', "burn follows the run's pods"), ...kinds.map((k) => kindAccess(k.apiVersion, k.kind, ['list', 'watch'], why))];
}
