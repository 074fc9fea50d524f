import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import { sleep } from '../shared/sleep.js';
import type { KubeClient, KubeObject, ListOptions, ListPage } from './client.js';
import { CLIENT_CLOSED, KubeApiError } from './errors.js';
import { LineSplitter } from './jsonlines.js';
import { backoffMs, classifyError } from './retry.js';
import { queryString, type ResourceTarget } from './paths.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchOptions<T> {
  apiVersion: string;
  kind: string;
  /** Omit to watch every namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Keeps only what the caller needs of each object (timestamps, not whole objects). Default: the object. */
  project?: (obj: KubeObject) => T;
  /**
   * observedAtMs: nowMs() when the bytes carrying the event arrived. lateByMs: 0, or the change
   * happened while the watch was cut off from the server (see WatchOutage), at most this long
   * before observedAtMs (from the outage's start).
   */
  onEvent: (type: WatchEventType, obj: T, observedAtMs: number, lateByMs: number) => void;
  /** Called once, after the first list has been delivered as ADDED events. */
  onSynced?: () => void;
  /** Non-fatal trouble (a dropped stream, a failed re-watch); the watcher carries on. */
  onError?: (err: unknown) => void;
  signal?: AbortSignal;
  /** List page size; default 500. */
  pageSize?: number;
  /**
   * Share one stream with the client's other `share` watches of the same objects (same kind,
   * namespace, selectors): see SharedWatch. Not for watches whose point is the load they put on the
   * API server (kube-burner's `watchers`).
   */
  share?: boolean;
}

/**
 * A stretch after the first sync when the watch could not follow the server: from the end of the
 * last stream that followed it (a failure, or a 410 that made it list again) to the moment it
 * followed again. toMs is undefined while it lasts.
 */
export interface WatchOutage {
  fromMs: number;
  toMs?: number;
  /** The failure that began it. */
  error: string;
}

export interface WatchHandle<T = unknown> {
  /** Resolves after the initial list; rejects if it fails (unknown kind, RBAC denied, ...). */
  synced: Promise<void>;
  /** Ends the watch; resolves when it has stopped. */
  stop(): Promise<void>;
  /**
   * Waits, up to timeoutMs, until the watch has shown every object a fresh list has, at the list's
   * version or newer; resolves with the projections of those it still had not shown. `lagging`
   * narrows what counts as not shown (a caller that needs one change only, not every later one).
   */
  caughtUp(timeoutMs: number, lagging?: (listed: T) => boolean): Promise<T[]>;
  /** The watch's outages so far, oldest first. */
  outages(): WatchOutage[];
}

/**
 * A resourceVersion as the watch keeps it: a number when it is a plain integer (etcd's revisions,
 * the simulator's), else the string. A number costs no string per object.
 */
type Version = number | string;

function versionOf(resourceVersion: string | undefined): Version {
  const value = resourceVersion ?? '';
  if (value.length > 0 && value.length < 16 && /^(0|[1-9]\d*)$/.test(value)) return Number(value);
  return value;
}

/**
 * What the watch remembers of each object: its version, by namespace then name (no key string is
 * built per object). Only the version: callers keep what they need of their projections; an
 * object that vanished while the watch was down is reported DELETED with the projection of its
 * name alone (`tombstone`).
 */
class Versions {
  private readonly byNamespace = new Map<string, Map<string, Version>>();

  get(namespace: string, name: string): Version | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, version: Version): void {
    let names = this.byNamespace.get(namespace);
    if (!names) this.byNamespace.set(namespace, (names = new Map()));
    names.set(name, version);
  }

  delete(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    if (!names?.delete(name)) return;
    if (names.size === 0) this.byNamespace.delete(namespace);
  }

  *entries(): IterableIterator<[namespace: string, name: string, version: Version]> {
    for (const [namespace, names] of this.byNamespace) for (const [name, version] of names) yield [namespace, name, version];
  }
}

/** The object a DELETED event carries for one that vanished while the watch was not looking. */
function tombstone(apiVersion: string, kind: string, namespace: string, name: string, resourceVersion: Version): KubeObject {
  return { apiVersion, kind, metadata: { ...(namespace ? { namespace } : {}), name, resourceVersion: String(resourceVersion) } };
}

/** The server said the resourceVersion we watch from is too old: list again. */
class ResourceVersionGone extends Error {}

/** Server-side watch timeout: a random 5-10 minutes, as client-go's reflector, so watchers do not reconnect in step. */
function watchTimeoutSeconds(): number {
  return Math.floor(300 * (1 + Math.random()));
}

/** At most this many objects the watch is behind on are read one by one; more are listed in pages of CATCH_UP_PAGE_SIZE. */
const READ_ONE_BY_ONE_MAX = 50;
const CATCH_UP_PAGE_SIZE = 100;

const WATCH_BACKOFF = { maxRetries: Number.POSITIVE_INFINITY, baseDelayMs: 200, maxDelayMs: 5000 };


/**
 * List, then watch from the list's resourceVersion with bookmarks. A dropped stream re-watches
 * from the last resourceVersion seen; a 410 Gone lists again and emits the difference, so the
 * caller's view stays consistent. Per object, only its version is kept (see Versions).
 */
export function watchResources<T = KubeObject>(client: KubeClient, options: WatchOptions<T>): WatchHandle<T> {
  const project = options.project ?? ((obj: KubeObject) => obj as unknown as T);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(options.signal!.reason);
  if (options.signal) {
    if (options.signal.aborted) abort.abort(options.signal.reason);
    else options.signal.addEventListener('abort', onOuterAbort, { once: true });
  }
  let known = new Versions();
  let resourceVersion = '';
  const outages: WatchOutage[] = [];
  /** Until when the watch is known to have followed the server: the end of its last list or stream. */
  let followedUntilMs = 0;
  /**
   * While resuming after an outage: the server's version when the watch came back, and the outage's
   * start. Changes up to that version happened while the watch was cut off: delivered as late.
   */
  let backlog: { upTo: Version; sinceMs: number } | undefined;
  let markSynced!: () => void;
  let failSync!: (err: unknown) => void;
  let isSynced = false;
  const synced = new Promise<void>((resolve, reject) => {
    markSynced = resolve;
    failSync = reject;
  });
  synced.catch(() => undefined); // callers who never await `synced` must not see an unhandled rejection

  /** The watched objects, page by page, as the watch selects them. */
  function listWatched(overrides: Pick<ListOptions, 'limit' | 'metadataOnly'> = {}): AsyncGenerator<ListPage> {
    const { namespace, labelSelector, fieldSelector, pageSize } = options;
    return client.listPages(options.apiVersion, options.kind, { namespace, labelSelector, fieldSelector, limit: pageSize, signal: abort.signal, ...overrides });
  }

  /** The server's current resourceVersion, from a one-item list of the watched objects. */
  async function currentVersion(): Promise<Version> {
    for await (const page of listWatched({ limit: 1, metadataOnly: true })) return versionOf(page.resourceVersion);
    throw new Error('the server answered the list with no page');
  }

  const openOutage = (): WatchOutage | undefined => (outages.at(-1)?.toMs === undefined ? outages.at(-1) : undefined);

  function beginOutage(err: unknown): void {
    if (!openOutage()) outages.push({ fromMs: followedUntilMs || nowMs(), error: err instanceof Error ? err.message : String(err) });
  }

  /** The outage the stream now open ended, until the stream shows it is following (a 410 says it is not). */
  let resumed: WatchOutage | undefined;

  function endOutage(): void {
    const open = openOutage();
    if (open) open.toMs = nowMs();
    resumed = open;
  }

  /** A 410: the watch is not following. The outage its stream had just ended (if any) goes on. */
  function outageGoesOn(err: unknown): void {
    if (resumed) resumed.toMs = undefined;
    else beginOutage(err);
  }

  /** A relist after the first one (a 410) delivers changes the watch missed: late. */
  async function relist(late: boolean): Promise<void> {
    let fresh = new Versions();
    // The list's changes, delivered once the whole list is in (a restarted list would repeat them).
    let changes: Array<{ type: 'ADDED' | 'MODIFIED'; value: T }> = [];
    for await (const page of listWatched()) {
      if (page.restarted) {
        fresh = new Versions();
        changes = [];
      }
      for (const item of page.items) {
        const namespace = item.metadata.namespace ?? '';
        const name = item.metadata.name ?? '';
        const version = versionOf(item.metadata.resourceVersion);
        fresh.set(namespace, name, version);
        const before = known.get(namespace, name);
        if (before === undefined) changes.push({ type: 'ADDED', value: project(item) });
        else if (before !== version) changes.push({ type: 'MODIFIED', value: project(item) });
      }
      resourceVersion = page.resourceVersion;
    }
    const observedAtMs = nowMs();
    const since = late ? openOutage()?.fromMs : undefined;
    const lateByMs = since === undefined ? 0 : observedAtMs - since;
    for (const change of changes) options.onEvent(change.type, change.value, observedAtMs, lateByMs);
    for (const [namespace, name, version] of known.entries()) {
      if (fresh.get(namespace, name) === undefined) options.onEvent('DELETED', project(tombstone(options.apiVersion, options.kind, namespace, name, version)), observedAtMs, lateByMs);
    }
    known = fresh;
    followedUntilMs = nowMs();
  }

  /** How late an event of this version is: 0 past the backlog of an outage. */
  function latenessOf(version: Version, observedAtMs: number): number {
    if (backlog === undefined) return 0;
    if (versionAtLeast(backlog.upTo, version)) return observedAtMs - backlog.sinceMs;
    backlog = undefined; // versions only grow along a stream: the backlog is over
    return 0;
  }

  function handleLine(line: string, observedAtMs: number): void {
    const event = JSON.parse(line) as { type: string; object: KubeObject & { code?: number; message?: string; reason?: string } };
    if (event.type !== 'ERROR') resumed = undefined;
    const obj = event.object;
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const rv = obj.metadata?.resourceVersion ?? '';
        const value = project(obj);
        const version = versionOf(rv);
        known.set(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', version);
        resourceVersion = rv || resourceVersion;
        options.onEvent(event.type, value, observedAtMs, latenessOf(version, observedAtMs));
        return;
      }
      case 'DELETED': {
        known.delete(obj.metadata?.namespace ?? '', obj.metadata?.name ?? '');
        resourceVersion = obj.metadata?.resourceVersion || resourceVersion;
        options.onEvent('DELETED', project(obj), observedAtMs, latenessOf(versionOf(obj.metadata?.resourceVersion), observedAtMs));
        return;
      }
      case 'BOOKMARK':
        resourceVersion = obj.metadata?.resourceVersion || resourceVersion;
        return;
      case 'ERROR':
        if (obj.code === 410) throw new ResourceVersionGone(obj.message ?? 'resourceVersion too old');
        throw new KubeApiError({
          code: obj.code ?? 0,
          reason: obj.reason ?? 'WatchError',
          message: obj.message ?? line,
          verb: 'WATCH',
          resource: options.kind,
          namespace: options.namespace,
        });
      default:
        return;
    }
  }

  async function watchOnce(target: ResourceTarget): Promise<void> {
    const timeoutSeconds = watchTimeoutSeconds();
    const query =
      queryString({
        watch: 1,
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
      });
    let response;
    try {
      response = await client.openStream(target, query, (timeoutSeconds + 30) * 1000, abort.signal);
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 410) throw new ResourceVersionGone(err.message);
      throw err;
    }
    endOutage();
    let observedAtMs = 0;
    const splitter = new LineSplitter((line) => handleLine(line, observedAtMs));
    try {
      for await (const chunk of response.body) {
        observedAtMs = nowMs();
        splitter.push(chunk as Buffer);
      }
      splitter.end();
    } finally {
      followedUntilMs = nowMs();
      if (!response.body.destroyed) response.body.destroy();
    }
  }

  async function run(): Promise<void> {
    let needList = true;
    let failures = 0;
    /** When the current stream was asked for; 0 while none is. */
    let openedAtMs = 0;
    let target: ResourceTarget | undefined;
    while (!abort.signal.aborted) {
      // Only the stream of this pass can take back the end of the outage it ended.
      resumed = undefined;
      try {
        target ??= await client.resourceTarget(options.apiVersion, options.kind, { namespace: options.namespace, collection: true });
        if (needList) {
          await relist(isSynced);
          needList = false;
          backlog = undefined;
          endOutage();
          if (!isSynced) {
            isSynced = true;
            markSynced();
            options.onSynced?.();
          }
        }
        // Resuming after an outage: what changed meanwhile is in the stream's backlog, up to the server's version now.
        const outage = openOutage();
        if (outage) backlog = { upTo: await currentVersion(), sinceMs: outage.fromMs };
        openedAtMs = nowMs();
        await watchOnce(target);
        // The server closed the stream (its timeout): watch on at once, unless it keeps closing right away.
        const lasted = nowMs() - openedAtMs;
        openedAtMs = 0;
        if (lasted > 1000) failures = 0;
        else await sleep(backoffMs(WATCH_BACKOFF, Math.min(failures++, 6)), abort.signal);
      } catch (err) {
        if (abort.signal.aborted) break;
        if ((err instanceof KubeApiError && err.reason === CLIENT_CLOSED) || classifyError(err) === 'closed') {
          if (!isSynced) failSync(err);
          return;
        }
        if (err instanceof ResourceVersionGone) {
          if (isSynced) outageGoesOn(err);
          needList = true;
          continue;
        }
        if (!isSynced && !isTransient(err)) {
          failSync(err);
          return;
        }
        if (isSynced) beginOutage(err);
        options.onError?.(err);
        try {
          // A stream that followed for a while before it failed starts the back-off over.
          if (openedAtMs && nowMs() - openedAtMs > 1000) failures = 0;
          openedAtMs = 0;
          await sleep(backoffMs(WATCH_BACKOFF, Math.min(failures++, 6)), abort.signal);
        } catch {
          break;
        }
      }
    }
    if (!isSynced) failSync(abort.signal.reason ?? new Error('watch stopped before it synced'));
  }

  const isBehind = (item: KubeObject): boolean => {
    const seen = known.get(item.metadata.namespace ?? '', item.metadata.name ?? '');
    return seen === undefined || !versionAtLeast(seen, versionOf(item.metadata.resourceVersion));
  };

  /** Objects the server lists at versions the watch has not shown, by names and versions only. */
  async function listedAhead(): Promise<Array<{ namespace?: string; name: string }>> {
    let ahead: Array<{ namespace?: string; name: string }> = [];
    for await (const page of listWatched({ metadataOnly: true })) {
      if (page.restarted) ahead = [];
      for (const item of page.items) if (isBehind(item)) ahead.push({ namespace: item.metadata.namespace, name: item.metadata.name! });
    }
    return ahead;
  }

  /**
   * Listed objects the watch has not shown yet: at their listed version, or as `lagging` says of
   * each of those. Every subscriber has seen each version the watch showed, so only objects listed
   * at a newer version are read whole: one by one when few (the rule at a run's end), else page by
   * page in small pages, keeping only the projections of lagging objects.
   */
  async function behind(lagging?: (listed: T) => boolean): Promise<T[]> {
    const ahead = await listedAhead();
    if (ahead.length === 0) return [];
    const found: T[] = [];
    const judge = (item: KubeObject) => {
      if (!isBehind(item)) return;
      const projected = project(item);
      if (!lagging || lagging(projected)) found.push(projected);
    };
    if (ahead.length <= READ_ONE_BY_ONE_MAX) {
      const items = await Promise.all(ahead.map((ref) => client.get(options.apiVersion, options.kind, ref.name, ref.namespace, { notFoundOk: true, signal: abort.signal })));
      for (const item of items) if (item) judge(item);
      return found;
    }
    for await (const page of listWatched({ limit: CATCH_UP_PAGE_SIZE })) {
      if (page.restarted) found.length = 0;
      for (const item of page.items) judge(item);
    }
    return found;
  }

  const done = run().finally(() => options.signal?.removeEventListener('abort', onOuterAbort));
  return {
    synced,
    stop(): Promise<void> {
      abort.abort(new Error('watch stopped'));
      return done;
    },
    async caughtUp(timeoutMs: number, isLagging?: (listed: T) => boolean): Promise<T[]> {
      await synced;
      const deadline = nowMs() + timeoutMs;
      for (;;) {
        const lagging = await behind(isLagging);
        if (lagging.length === 0 || abort.signal.aborted) return [];
        if (nowMs() >= deadline) return lagging;
        await sleep(Math.min(200, Math.max(1, deadline - nowMs())), abort.signal).catch(() => undefined);
      }
    },
    outages: () => outages.map((o) => ({ ...o })),
  };
}

/**
 * Whether resourceVersion `seen` is `listed` or newer. Kubernetes asks clients to treat versions as
 * opaque; every API server (etcd's revision) and burn's simulator use integers, and for anything
 * else only equality is trusted.
 */
function versionAtLeast(seen: Version, listed: Version): boolean {
  if (seen === listed) return true;
  if (typeof seen === 'number' && typeof listed === 'number') return seen >= listed;
  const [a, b] = [String(seen), String(listed)];
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) >= BigInt(b);
}

/** Errors worth retrying before the first sync: the server or network, not the request itself. */
function isTransient(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.code === 0 || err.code === 429 || err.code >= 500;
  return !(err instanceof UserError);
}
