import { nowMs } from '../shared/clock.js';
import type { KubeClient, KubeObject } from './client.js';
import { watchResources, type WatchEventType, type WatchHandle, type WatchOptions } from './watch.js';

interface Subscriber {
  project: (obj: KubeObject) => unknown;
  onEvent: (type: WatchEventType, value: unknown, observedAtMs: number, lateByMs: number) => void;
  onError?: (err: unknown) => void;
  /** Events held while a subscriber that joined a running watch gets what was there before it (a list). */
  held?: Array<[WatchEventType, KubeObject, number, number]>;
}

/** What makes two watches the same stream. */
export function sharedWatchKey(options: Pick<WatchOptions<unknown>, 'apiVersion' | 'kind' | 'namespace' | 'labelSelector' | 'fieldSelector' | 'pageSize'>): string {
  return JSON.stringify([options.apiVersion, options.kind, options.namespace ?? '', options.labelSelector ?? '', options.fieldSelector ?? '', options.pageSize ?? 0]);
}

/**
 * One list+watch stream for several callers that ask for the same objects (the engine's readiness
 * tracker and podLatency both follow the job's pods): each event is read, parsed and remembered
 * once, and every subscriber gets its own projection of it. A subscriber that joins a watch already
 * listed gets what is there from a list of its own (as ADDED, before any later event); the stream
 * stops when the last subscriber leaves.
 */
export class SharedWatch {
  private readonly subscribers = new Set<Subscriber>();
  private handle: WatchHandle<KubeObject> | undefined;
  private listed = false;

  constructor(
    private readonly client: KubeClient,
    private readonly options: Pick<WatchOptions<unknown>, 'apiVersion' | 'kind' | 'namespace' | 'labelSelector' | 'fieldSelector' | 'pageSize'>,
    /** Called when the last subscriber left: the owner forgets this watch. */
    private readonly onIdle: () => void,
  ) {}

  subscribe<T>(options: WatchOptions<T>): WatchHandle<T> {
    const project = (options.project ?? ((obj: KubeObject) => obj)) as (obj: KubeObject) => T;
    const subscriber: Subscriber = { project, onEvent: options.onEvent as Subscriber['onEvent'], onError: options.onError };
    this.subscribers.add(subscriber);
    let synced: Promise<void>;
    if (!this.handle) {
      this.handle = this.start();
      synced = this.handle.synced;
    } else if (!this.listed) {
      // The first list is still coming: it reaches this subscriber too.
      synced = this.handle.synced;
    } else {
      subscriber.held = [];
      synced = this.catchUpJoiner(subscriber, options.signal);
    }
    const handle = this.handle;
    synced.then(() => options.onSynced?.(), () => undefined);
    let left = false;
    const stop = async (): Promise<void> => {
      if (left) return;
      left = true;
      options.signal?.removeEventListener('abort', onAbort);
      this.subscribers.delete(subscriber);
      if (this.subscribers.size > 0 || this.handle !== handle) return;
      this.handle = undefined;
      this.onIdle();
      await handle.stop();
    };
    const onAbort = () => void stop();
    if (options.signal?.aborted) void stop();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    return {
      synced,
      stop,
      async caughtUp(timeoutMs: number, lagging?: (listed: T) => boolean): Promise<T[]> {
        await synced;
        const behind = await handle.caughtUp(timeoutMs, lagging && ((obj) => lagging(project(obj))));
        return behind.map(project);
      },
      outages: () => handle.outages(),
    };
  }

  private start(): WatchHandle<KubeObject> {
    this.listed = false;
    return watchResources<KubeObject>(this.client, {
      ...this.options,
      onEvent: (type, obj, observedAtMs, lateByMs) => {
        for (const subscriber of this.subscribers) {
          if (subscriber.held) subscriber.held.push([type, obj, observedAtMs, lateByMs]);
          else subscriber.onEvent(type, subscriber.project(obj), observedAtMs, lateByMs);
        }
      },
      onSynced: () => void (this.listed = true),
      onError: (err) => {
        for (const subscriber of this.subscribers) subscriber.onError?.(err);
      },
    });
  }

  /** A subscriber joining a listed watch: what the server has now as ADDED, then the events held meanwhile. */
  private async catchUpJoiner(subscriber: Subscriber, signal: AbortSignal | undefined): Promise<void> {
    try {
      const items = await this.client.list(this.options.apiVersion, this.options.kind, {
        namespace: this.options.namespace,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        limit: this.options.pageSize,
        signal,
      });
      const observedAtMs = nowMs();
      for (const item of items) subscriber.onEvent('ADDED', subscriber.project(item), observedAtMs, 0);
    } finally {
      const held = subscriber.held ?? [];
      subscriber.held = undefined;
      for (const [type, obj, observedAtMs, lateByMs] of held) subscriber.onEvent(type, subscriber.project(obj), observedAtMs, lateByMs);
    }
  }
}
