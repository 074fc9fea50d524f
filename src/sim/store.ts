import { randomUUID } from 'node:crypto';
import type { DeleteOptions, KubeObject, ResourceInfo, SimStore, StoreEvent } from './types.js';
import { generatedName, validateLabelsAndAnnotations, validateObjectMeta } from './object-meta.js';
import { StatusError, statusErrors } from './status.js';
import { admitDefaultStorageClass, applyCreateDefaults, ClusterIpAllocator } from './server/defaults.js';
import { apiVersionOf } from './server/resources.js';

const STORAGE_CLASSES = 'storage.k8s.io/storageclasses';

/**
 * The simulator's object store: an in-memory etcd with one revision counter, a bounded history
 * of events for watches to resume from, and the apiserver's generic registry semantics
 * (create/update/delete with defaults, conflicts, graceful deletion and finalizers).
 */

export interface StoreOptions {
  /** Milliseconds since the epoch (for creation and deletion timestamps). */
  now?: () => number;
  /** How many events of history watches may resume from; older resourceVersions get 410. */
  watchWindow?: number;
  /** How long an event stays in that history, ms (HISTORY_MAX_AGE_MS by default). */
  historyMaxAgeMs?: number;
  /** Random source for generateName suffixes. */
  random?: () => number;
}

/** The finalizers the apiserver adds for propagationPolicy Orphan and Foreground (removed by the GC). */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Resources the apiserver gives a metadata.generation. */
const GENERATION_RESOURCES = new Set(['pods', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', 'batch/jobs']);

/** Resources whose default deletion propagation is Orphan (kept for backward compatibility by the apiserver). */
const ORPHAN_BY_DEFAULT = new Set(['batch/jobs']);

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

let lastSecond = -1;
let lastText = '';

/** Kubernetes timestamps have second precision (memoized: many objects share each second). */
export function kubeTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastText;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** A deep copy of plain JSON data (faster than a JSON round trip or structuredClone). */
function clone<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = clone(v);
  }
  return out as T;
}

/**
 * Structural sharing between versions: returns `next` with every subtree equal to `prev`'s
 * replaced by `prev`'s (frozen) one, or `prev` itself when the two are equal. New subtrees are
 * frozen. Versions kept in the watch history then cost only what changed.
 */
function share(prev: unknown, next: unknown): unknown {
  if (prev === next) return prev;
  if (typeof next !== 'object' || next === null) return next;
  // A frozen subtree is already stored elsewhere: keep it as it is.
  if (typeof prev !== 'object' || prev === null || Array.isArray(prev) !== Array.isArray(next) || Object.isFrozen(next)) return deepFreeze(next);
  if (Array.isArray(next)) {
    const before = prev as unknown[];
    let same = before.length === next.length;
    for (let i = 0; i < next.length; i++) {
      const v = share(before[i], next[i]);
      next[i] = v;
      if (v !== before[i]) same = false;
    }
    return same ? prev : Object.freeze(next);
  }
  const before = prev as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  let count = 0;
  let same = true;
  for (const key in after) {
    const v = share(before[key], after[key]);
    if (v === undefined) {
      delete after[key];
      continue;
    }
    after[key] = v;
    count++;
    if (v !== before[key]) same = false;
  }
  if (same && count !== Object.keys(before).length) same = false;
  return same ? prev : Object.freeze(next);
}

/** Whether anything but metadata and status differs (what bumps metadata.generation). */
function specChanged(prev: KubeObject, next: KubeObject): boolean {
  for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    if (key !== 'metadata' && key !== 'status' && prev[key] !== next[key]) return true;
  }
  return false;
}

export interface HistoryEntry {
  rv: number;
  event: StoreEvent;
  /** When it happened (the store's clock). */
  atMs: number;
}

/**
 * The API server's watch cache keeps 75 s of events (its eventFreshDuration); so does the simulator.
 * An age limit besides the count keeps a long-lived simulator (`burn sim serve`) from holding the
 * full objects of its last 20,000 events per resource long after the runs that made them ended
 * (seen: 16 MB more heap per cluster-density run of 500 pods, 638 MB RSS after a dozen runs).
 */
export const HISTORY_MAX_AGE_MS = 75_000;
/** Every this many events, the histories of every resource are aged, not only the written one's. */
const AGE_ALL_EVERY = 1024;

interface ResourceHistory {
  entries: HistoryEntry[];
  start: number;
  /** The revision of the newest event dropped from the window. */
  droppedUpTo: number;
}

export type HistoryResult = { events: HistoryEntry[] } | { expired: true; oldest: number };

export class MemoryStore implements SimStore {
  private readonly infos = new Map<string, ResourceInfo>();
  private readonly byKind = new Map<string, ResourceInfo>();
  /** resource key -> namespace ('' for cluster-scoped) -> name -> object */
  private readonly data = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(event: StoreEvent) => void>>();
  /** Per resource, like the apiserver's watch caches: one resource's churn does not expire another's watches. */
  private readonly history = new Map<string, ResourceHistory>();
  /** Revisions up to this one were compacted away: watches from them get 410. */
  private compactedAt = 0;
  private rv = 1;
  private readonly pending: StoreEvent[] = [];
  private emitting = false;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly watchWindow: number;
  private readonly historyMaxAgeMs: number;
  private remembered = 0;
  private readonly ips = new ClusterIpAllocator();
  /** While set, writes are checked and computed but nothing is stored or announced. */
  private dryRun = false;

  constructor(resources: ResourceInfo[], options: StoreOptions = {}) {
    for (const info of resources) {
      this.infos.set(info.key, info);
      this.byKind.set(`${apiVersionOf(info)}/${info.kind}`, info);
      this.data.set(info.key, new Map());
      this.counts.set(info.key, 0);
    }
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.watchWindow = Math.max(1, options.watchWindow ?? 10_000);
    this.historyMaxAgeMs = options.historyMaxAgeMs ?? HISTORY_MAX_AGE_MS;
  }

  resources(): ResourceInfo[] {
    return [...this.infos.values()];
  }

  resource(key: string): ResourceInfo | undefined {
    return this.infos.get(key);
  }

  resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  revision(): number {
    return this.rv;
  }

  /** How many objects of a resource are stored (apiserver_storage_objects). */
  count(resource: string): number {
    return this.counts.get(resource) ?? 0;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.data.get(resource)?.get(this.nsKey(resource, namespace))?.get(name);
  }

  list(resource: string, namespace?: string, labels?: Record<string, string>): KubeObject[] {
    const byNs = this.data.get(resource);
    if (!byNs) return [];
    const out: KubeObject[] = [];
    const buckets = namespace !== undefined && this.infos.get(resource)?.namespaced ? [byNs.get(namespace)] : [...byNs.values()];
    const wanted = labels ? Object.entries(labels) : [];
    for (const bucket of buckets) {
      if (!bucket) continue;
      for (const obj of bucket.values()) {
        if (wanted.length && !wanted.every(([k, v]) => obj.metadata.labels?.[k] === v)) continue;
        out.push(obj);
      }
    }
    return out;
  }

  create(resource: string, input: KubeObject, owned = false): KubeObject {
    const info = this.require(resource);
    const obj = owned ? input : clone(input);
    obj.apiVersion = apiVersionOf(info);
    obj.kind = info.kind;
    const meta = (obj.metadata ??= {});
    if (info.namespaced) {
      if (!meta.namespace) throw statusErrors.invalid(info.group, info.kind, String(meta.name ?? ''), [{ reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.namespace' }]);
      this.checkNamespaceAccepts(info, meta.namespace, String(meta.name ?? meta.generateName ?? ''));
    } else {
      delete meta.namespace;
    }
    const bucket = this.bucket(resource, meta.namespace);
    if (!meta.name) {
      if (!meta.generateName) {
        throw statusErrors.invalid(info.group, info.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
      }
      let name: string;
      do name = generatedName(meta.generateName, this.suffix());
      while (bucket.has(name));
      meta.name = name;
    }
    const causes = validateObjectMeta(info, meta);
    if (causes.length) throw statusErrors.invalid(info.group, info.kind, meta.name, causes);
    if (bucket.has(meta.name)) throw statusErrors.alreadyExists(info.group, info.resource, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime(this.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (GENERATION_RESOURCES.has(resource)) meta.generation = 1;
    else delete meta.generation;
    applyCreateDefaults(resource, obj, this.ips);
    if (resource === 'persistentvolumeclaims' && this.resource(STORAGE_CLASSES)) admitDefaultStorageClass(obj, this.list(STORAGE_CLASSES));
    if (this.dryRun) return deepFreeze(obj);
    meta.resourceVersion = String(++this.rv);
    const stored = deepFreeze(obj);
    bucket.set(meta.name, stored);
    this.counts.set(resource, (this.counts.get(resource) ?? 0) + 1);
    this.emit({ type: 'ADDED', resource, object: stored });
    return stored;
  }

  update(resource: string, input: KubeObject): KubeObject {
    const info = this.require(resource);
    const name = input.metadata?.name;
    if (!name) throw statusErrors.invalid(info.group, info.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name is required', field: 'metadata.name' }]);
    const namespace = info.namespaced ? input.metadata.namespace : undefined;
    const existing = this.get(resource, namespace, name);
    if (!existing) throw statusErrors.notFound(info.group, info.resource, name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) {
      throw statusErrors.conflict(info.group, info.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (input.metadata.uid && input.metadata.uid !== existing.metadata.uid) {
      throw statusErrors.conflict(info.group, info.resource, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    return this.write(info, existing, clone(input));
  }

  mutate(resource: string, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void | false): KubeObject | undefined {
    const info = this.require(resource);
    const existing = this.get(resource, namespace, name);
    if (!existing) return undefined;
    const copy = clone(existing);
    if (fn(copy) === false) return existing;
    return this.write(info, existing, copy);
  }

  mutateShallow(resource: string, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void | false): KubeObject | undefined {
    const info = this.require(resource);
    const existing = this.get(resource, namespace, name);
    if (!existing) return undefined;
    const copy: KubeObject = { ...existing, metadata: { ...existing.metadata } };
    for (const key of ['spec', 'status'] as const) {
      const value = existing[key];
      if (value && typeof value === 'object' && !Array.isArray(value)) copy[key] = { ...value };
    }
    if (fn(copy) === false) return existing;
    return this.write(info, existing, copy);
  }

  delete(resource: string, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject | undefined {
    const info = this.require(resource);
    const existing = this.get(resource, namespace, name);
    if (!existing) return undefined;
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw statusErrors.conflict(info.group, info.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw statusErrors.conflict(
        info.group,
        info.resource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    const grace = this.gracePeriod(resource, existing, options);
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    const policy = options.propagationPolicy ?? (ORPHAN_BY_DEFAULT.has(resource) ? 'Orphan' : 'Background');
    const policyFinalizer = policy === 'Orphan' ? ORPHAN_FINALIZER : policy === 'Foreground' ? FOREGROUND_FINALIZER : undefined;

    if (existing.metadata.deletionTimestamp) {
      // Already terminating: only a shorter grace period (the kubelet's final grace 0) changes anything.
      const current = existing.metadata.deletionGracePeriodSeconds ?? 0;
      if (grace === 0 && current > 0 && finalizers.length === 0) return this.removeObject(info, existing);
      if (grace < current) {
        return this.write(info, existing, { ...clone(existing), metadata: { ...clone(existing.metadata), deletionGracePeriodSeconds: grace } });
      }
      return existing;
    }
    if (policyFinalizer && !finalizers.includes(policyFinalizer)) finalizers.push(policyFinalizer);
    const namespaceFinalizers: string[] = resource === 'namespaces' ? (existing.spec?.finalizers ?? []) : [];
    if (finalizers.length === 0 && grace === 0 && namespaceFinalizers.length === 0) return this.removeObject(info, existing);

    const copy = clone(existing);
    copy.metadata.deletionTimestamp = kubeTime(this.now() + grace * 1000);
    copy.metadata.deletionGracePeriodSeconds = grace;
    if (finalizers.length) copy.metadata.finalizers = finalizers;
    if (resource === 'namespaces') copy.status = { ...(copy.status ?? {}), phase: 'Terminating' };
    return this.write(info, existing, copy, true);
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const info = this.require(resource);
    const existing = this.get(resource, namespace, name);
    return existing ? this.removeObject(info, existing) : undefined;
  }

  on(resource: string, listener: (event: StoreEvent) => void): () => void {
    let set = this.listeners.get(resource);
    if (!set) this.listeners.set(resource, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Events after `sinceRv` (exclusive), or `expired` when that revision fell out of the window. */
  historySince(resource: string, sinceRv: number): HistoryResult {
    const h = this.history.get(resource);
    // A watch can resume from rv only when no event of the resource after rv was dropped.
    const droppedUpTo = Math.max(this.compactedAt, h?.droppedUpTo ?? 0);
    if (sinceRv < droppedUpTo) return { expired: true, oldest: droppedUpTo + 1 };
    if (!h) return { events: [] };
    let lo = h.start;
    let hi = h.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h.entries[mid]!.rv > sinceRv) hi = mid;
      else lo = mid + 1;
    }
    return { events: h.entries.slice(lo) };
  }

  /** Runs store writes as the apiserver's dryRun=All: the result they would have, nothing stored. */
  dryRunOf<T>(fn: () => T): T {
    this.dryRun = true;
    try {
      return fn();
    } finally {
      this.dryRun = false;
    }
  }

  /** Forgets the history so far, as a freshly started watch cache has none: older revisions get 410. */
  compact(): void {
    this.history.clear();
    this.compactedAt = this.rv;
  }

  /** Stores `next` in place of `existing`; only `delete` (fromDelete) may set a deletionTimestamp. */
  private write(info: ResourceInfo, existing: KubeObject, next: KubeObject, fromDelete = false): KubeObject {
    const meta = next.metadata ?? {};
    const old = existing.metadata;
    next.apiVersion = existing.apiVersion;
    next.kind = existing.kind;
    next.metadata = {
      ...meta,
      name: old.name,
      uid: old.uid,
      creationTimestamp: old.creationTimestamp,
      resourceVersion: old.resourceVersion,
    };
    if (old.namespace !== undefined) next.metadata.namespace = old.namespace;
    else delete next.metadata.namespace;
    // deletionTimestamp can be set only by delete, and never cleared.
    if (old.deletionTimestamp) {
      next.metadata.deletionTimestamp = old.deletionTimestamp;
      next.metadata.deletionGracePeriodSeconds = meta.deletionGracePeriodSeconds ?? old.deletionGracePeriodSeconds;
    } else if (!fromDelete) {
      delete next.metadata.deletionTimestamp;
      delete next.metadata.deletionGracePeriodSeconds;
    }
    if (next.metadata.finalizers && next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    if (!sameStrings(next.metadata.labels, old.labels) || !sameStrings(next.metadata.annotations, old.annotations)) {
      const causes = validateLabelsAndAnnotations(next.metadata);
      if (causes.length) throw statusErrors.invalid(info.group, info.kind, old.name ?? '', causes);
    }
    const shared = share(existing, next) as KubeObject;
    if (shared === existing) return existing;
    const generation = old.generation !== undefined && specChanged(existing, shared) ? old.generation + 1 : shared.metadata.generation;

    if (shared.metadata.deletionTimestamp && !shared.metadata.finalizers?.length && !(Number(shared.metadata.deletionGracePeriodSeconds) > 0)) {
      const namespaceHeld = info.key === 'namespaces' && (shared.spec?.finalizers ?? []).length > 0;
      if (!namespaceHeld) return this.removeObject(info, existing);
    }
    const metadata = { ...shared.metadata, resourceVersion: this.dryRun ? old.resourceVersion : String(++this.rv) };
    if (generation !== undefined) metadata.generation = generation;
    const stored = Object.freeze({ ...shared, metadata: Object.freeze(metadata) }) as KubeObject;
    if (this.dryRun) return stored;
    this.bucket(info.key, old.namespace).set(old.name as string, stored);
    this.emit({ type: 'MODIFIED', resource: info.key, object: stored, previous: existing });
    return stored;
  }

  private removeObject(info: ResourceInfo, existing: KubeObject): KubeObject {
    if (this.dryRun) return existing;
    const ns = existing.metadata.namespace;
    const bucket = this.bucket(info.key, ns);
    bucket.delete(existing.metadata.name as string);
    if (bucket.size === 0 && ns) this.data.get(info.key)!.delete(ns);
    this.counts.set(info.key, (this.counts.get(info.key) ?? 1) - 1);
    const final = Object.freeze({ ...existing, metadata: Object.freeze({ ...existing.metadata, resourceVersion: String(++this.rv) }) }) as KubeObject;
    this.emit({ type: 'DELETED', resource: info.key, object: final });
    return final;
  }

  private gracePeriod(resource: string, pod: KubeObject, options: DeleteOptions): number {
    if (resource !== 'pods') return 0;
    // Unscheduled or finished pods have nothing to stop: the apiserver deletes them at once.
    if (!pod.spec?.nodeName || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const requested = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, requested);
  }

  private checkNamespaceAccepts(info: ResourceInfo, namespace: string, name: string): void {
    const ns = this.get('namespaces', undefined, namespace);
    if (!ns) throw statusErrors.notFound('', 'namespaces', namespace);
    if (ns.metadata.deletionTimestamp) {
      const err = statusErrors.forbidden(info.group, info.resource, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
      err.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }];
      throw err;
    }
  }

  private suffix(): string {
    let s = '';
    for (let i = 0; i < 5; i++) s += NAME_SUFFIX_ALPHABET[Math.floor(this.random() * NAME_SUFFIX_ALPHABET.length)];
    return s;
  }

  private require(resource: string): ResourceInfo {
    const info = this.infos.get(resource);
    if (!info) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    return info;
  }

  private nsKey(resource: string, namespace: string | undefined): string {
    return this.infos.get(resource)?.namespaced ? (namespace ?? '') : '';
  }

  private bucket(resource: string, namespace: string | undefined): Map<string, KubeObject> {
    const byNs = this.data.get(resource)!;
    const key = this.nsKey(resource, namespace);
    let bucket = byNs.get(key);
    if (!bucket) byNs.set(key, (bucket = new Map()));
    return bucket;
  }

  private remember(event: StoreEvent): void {
    let h = this.history.get(event.resource);
    if (!h) this.history.set(event.resource, (h = { entries: [], start: 0, droppedUpTo: 0 }));
    const atMs = this.now();
    h.entries.push({ rv: Number(event.object.metadata.resourceVersion), event, atMs });
    if (h.entries.length - h.start > this.watchWindow) dropOldest(h);
    const oldestKept = atMs - this.historyMaxAgeMs;
    if (++this.remembered % AGE_ALL_EVERY === 0) {
      for (const other of this.history.values()) while (other.start < other.entries.length && other.entries[other.start]!.atMs < oldestKept) dropOldest(other);
    } else {
      while (h.entries[h.start]!.atMs < oldestKept) dropOldest(h);
    }
  }

  private notify(set: Set<(event: StoreEvent) => void> | undefined, event: StoreEvent): void {
    if (!set) return;
    // A copy only when there is more than one: a listener may subscribe or unsubscribe others.
    for (const listener of set.size === 1 ? set : [...set]) {
      try {
        listener(event);
      } catch (err) {
        // A broken listener must not stop the store or the other listeners.
        process.emitWarning(`sim store listener failed on ${event.type} ${event.resource}: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
  }

  /** Records the event and delivers it to listeners in revision order, even when a listener writes. */
  private emit(event: StoreEvent): void {
    this.remember(event);
    this.pending.push(event);
    if (this.emitting) return;
    this.emitting = true;
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) {
        this.notify(this.listeners.get(next.resource), next);
        this.notify(this.listeners.get('*'), next);
      }
    } finally {
      this.emitting = false;
    }
  }
}

export function createStore(resources: ResourceInfo[], options: StoreOptions = {}): MemoryStore {
  return new MemoryStore(resources, options);
}

/** Drops a history's oldest event: watches from before it get 410. */
function dropOldest(h: ResourceHistory): void {
  h.droppedUpTo = h.entries[h.start]!.rv;
  h.entries[h.start] = undefined as unknown as HistoryEntry;
  h.start++;
  // Drop the dead head now and then instead of shifting on every event.
  if (h.start > 4096 && h.start * 2 > h.entries.length) {
    h.entries.splice(0, h.start);
    h.start = 0;
  } else if (h.start === h.entries.length) {
    h.entries.length = 0;
    h.start = 0;
  }
}

/** Two string maps hold the same entries (absent and empty are the same). */
function sameStrings(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => b![k] === a![k]);
}
