import type { ServerResponse } from 'node:http';
import type { KubeObject, ResourceInfo, StoreEvent, WatchEventType } from '../types.js';
import type { MemoryStore } from '../store.js';
import { failureStatus } from '../status.js';
import type { Predicate } from './selectors.js';
import { partialObjectMetadata, printerFor, tableRow, type IncludeObject } from './table.js';
import { apiVersionOf } from './resources.js';
import { responseGone, writeChunk } from './streams.js';
import { encodeWatchFrame, PROTOBUF_WATCH_MEDIA_TYPE } from '../protobuf/codec.js';
import type { ResponseShape } from './negotiation.js';

/**
 * Watch streams: every store event is matched against each watcher of its resource and written
 * as one JSON line, or one length-prefixed protobuf frame when the client asked for protobuf. A line is serialized once per (event, type, shape) and shared by all the
 * watchers that want it at once; a watcher whose client stops reading is closed once too much is buffered
 * (as the apiserver's watch cache drops unresponsive watchers), so writers never wait for readers.
 */

export type WatchShape = ResponseShape;
type Line = string | Buffer;

export interface WatchRequest {
  info: ResourceInfo;
  namespace?: string;
  predicate?: Predicate;
  shape: WatchShape;
  /** '' / '0' / undefined: start with the current state; a number: resume after it. */
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  /** Ends the stream cleanly after this many ms. */
  durationMs: number;
  onEnd?: () => void;
}

const INITIAL_BATCH = 500;
/** Watch writes are sent at most this often (ms): see WatchHub.flush. */
const FLUSH_EVERY_MS = 5;

interface Watcher {
  req: WatchRequest;
  res: ServerResponse;
  /** Live events held back while the initial state is still being written. */
  backlog: StoreEvent[] | undefined;
  closed: boolean;
  timers: NodeJS.Timeout[];
  /** Writes are held until the event loop turns (see WatchHub.flush). */
  corked: boolean;
}

function shapeKey(shape: WatchShape): string {
  return shape.kind === 'table' ? `t${shape.include}` : shape.kind;
}

function joinLines(lines: Line[]): Line {
  return lines.length > 0 && typeof lines[0] !== 'string' ? Buffer.concat(lines as Buffer[]) : lines.join('');
}

/** Properties burn's protobuf schema has no field for, reported once per kind and path. */
const warnedUnencodable = new Set<string>();
function warnUnencodable(kind: string, skipped: string[]): void {
  for (const path of skipped) {
    const key = `${kind} ${path.replace(/\[[^\]]*\]/g, '[]')}`;
    if (warnedUnencodable.has(key)) continue;
    warnedUnencodable.add(key);
    process.stderr.write(`burn sim: a protobuf watch of ${kind} leaves out ${path}: burn's protobuf schema has no field for it (watch with Accept: application/json to see it)\n`);
  }
}

export class WatchHub {
  private readonly watchers = new Map<string, Set<Watcher>>();
  /**
   * The lines of the event being dispatched, by type and shape: every watcher of it gets the same
   * line. Only the latest event's are kept (a cache per event would keep the lines of the whole
   * watch history alive, megabytes of strings the garbage collector carries).
   */
  private linesOf: StoreEvent | undefined;
  private readonly lines = new Map<string, Line>();
  private readonly unsubscribe: () => void;
  /** Watchers holding writes until the next flush. */
  private readonly corked = new Set<Watcher>();
  private flushing?: NodeJS.Immediate | NodeJS.Timeout;
  private lastFlushMs = -Infinity;

  constructor(
    private readonly store: MemoryStore,
    private readonly options: { maxBufferedBytes: number; bookmarkIntervalMs: number; now: () => number },
  ) {
    this.unsubscribe = store.on('*', (event) => this.dispatch(event));
  }

  count(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  stop(): void {
    this.unsubscribe();
    for (const set of this.watchers.values()) for (const w of [...set]) this.close(w);
  }

  /** Resets every open watch stream, as a dropped connection does: its client sees an error, not an end. */
  reset(): void {
    for (const set of this.watchers.values()) {
      for (const w of [...set]) {
        w.res.destroy();
        this.close(w);
      }
    }
  }

  /** Starts a watch on `res` (headers not yet sent); a resourceVersion out of the window gets one ERROR event (410). */
  start(req: WatchRequest, res: ServerResponse): void {
    const watcher: Watcher = { req, res, backlog: undefined, closed: false, timers: [], corked: false };
    const protobuf = req.shape.kind === 'protobuf';
    res.writeHead(200, { 'Content-Type': protobuf ? PROTOBUF_WATCH_MEDIA_TYPE : 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    res.on('close', () => this.close(watcher));

    const rv = req.resourceVersion;
    const fromState = rv === undefined || rv === '' || rv === '0' || req.sendInitialEvents === true;
    if (fromState) {
      const objects = this.store.list(req.info.key, req.info.namespaced ? req.namespace : undefined).filter((o) => !req.predicate || req.predicate(o));
      watcher.backlog = [];
      this.register(watcher);
      void this.writeInitial(watcher, objects);
    } else {
      const history = this.store.historySince(req.info.key, Number(rv));
      if ('expired' in history) {
        const status = failureStatus(410, 'Expired', `too old resource version: ${rv} (${history.oldest})`);
        res.end(protobuf ? encodeWatchFrame('ERROR', status as unknown as Record<string, unknown>) : JSON.stringify({ type: 'ERROR', object: status }) + '\n');
        req.onEnd?.();
        return;
      }
      this.register(watcher);
      for (const entry of history.events) this.deliver(watcher, entry.event);
    }
    watcher.timers.push(setTimeout(() => this.close(watcher), req.durationMs));
    if (req.allowBookmarks) {
      watcher.timers.push(setInterval(() => this.bookmark(watcher), this.options.bookmarkIntervalMs));
    }
  }

  private register(watcher: Watcher): void {
    const key = watcher.req.info.key;
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, (set = new Set()));
    set.add(watcher);
  }

  private async writeInitial(watcher: Watcher, objects: KubeObject[]): Promise<void> {
    const { req } = watcher;
    for (let i = 0; i < objects.length && !watcher.closed; i += INITIAL_BATCH) {
      const chunk = objects.slice(i, i + INITIAL_BATCH).map((obj) => this.line('ADDED', obj, req.shape, req.info));
      await writeChunk(watcher.res, joinLines(chunk));
    }
    if (watcher.closed) return;
    const backlog = watcher.backlog ?? [];
    watcher.backlog = undefined;
    for (const event of backlog) this.deliver(watcher, event);
    if (req.sendInitialEvents) this.bookmark(watcher, true);
  }

  private dispatch(event: StoreEvent): void {
    const set = this.watchers.get(event.resource);
    if (!set) return;
    for (const watcher of set) {
      if (watcher.backlog) watcher.backlog.push(event);
      else this.deliver(watcher, event);
    }
  }

  /** Writes an event to one watcher, turning it into ADDED/DELETED when it enters or leaves the selection. */
  private deliver(watcher: Watcher, event: StoreEvent): void {
    const { req } = watcher;
    const matches = (obj: KubeObject | undefined) =>
      obj !== undefined && (!req.info.namespaced || req.namespace === undefined || obj.metadata.namespace === req.namespace) && (!req.predicate || req.predicate(obj));
    let type: WatchEventType = event.type;
    const now = matches(event.object);
    if (event.type === 'MODIFIED') {
      const before = matches(event.previous);
      if (!now && !before) return;
      if (now && !before) type = 'ADDED';
      else if (!now && before) type = 'DELETED';
    } else if (!now) {
      return;
    }
    this.write(watcher, this.cachedLine(event, type, req.shape, req.info));
  }

  private cachedLine(event: StoreEvent, type: WatchEventType, shape: WatchShape, info: ResourceInfo): Line {
    if (this.linesOf !== event) {
      this.linesOf = event;
      this.lines.clear();
    }
    const key = `${type}${shapeKey(shape)}`;
    let line = this.lines.get(key);
    if (line === undefined) this.lines.set(key, (line = this.line(type, event.object, shape, info)));
    return line;
  }

  private line(type: WatchEventType | 'BOOKMARK', obj: KubeObject, shape: WatchShape, info: ResourceInfo): Line {
    if (shape.kind === 'protobuf') {
      const skipped: string[] = [];
      const frame = encodeWatchFrame(type, obj, { lenient: true, skipped });
      if (skipped.length) warnUnencodable(`${obj.apiVersion}/${obj.kind}`, skipped);
      return frame;
    }
    if (shape.kind === 'object' || type === 'BOOKMARK') return `{"type":"${type}","object":${JSON.stringify(obj)}}\n`;
    if (shape.kind === 'metadata') return `{"type":"${type}","object":${JSON.stringify(partialObjectMetadata(obj))}}\n`;
    const table = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: obj.metadata.resourceVersion },
      columnDefinitions: printerFor(info).columns,
      rows: [tableRow(info, obj, shape.include, this.options.now())],
    };
    return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
  }

  private bookmark(watcher: Watcher, initialEventsEnd = false): void {
    if (watcher.closed || watcher.backlog) return;
    const { info } = watcher.req;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.revision()) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    const shape: WatchShape = watcher.req.shape.kind === 'protobuf' ? watcher.req.shape : { kind: 'object' };
    this.write(watcher, this.line('BOOKMARK', { apiVersion: apiVersionOf(info), kind: info.kind, metadata }, shape, info));
  }

  private write(watcher: Watcher, line: Line): void {
    if (watcher.closed) return;
    if (watcher.res.writableLength > this.options.maxBufferedBytes) {
      // The client stopped reading: drop it rather than hold the writers or the heap.
      watcher.res.destroy();
      this.close(watcher);
      return;
    }
    if (!watcher.corked) {
      watcher.corked = true;
      watcher.res.cork();
      this.corked.add(watcher);
      this.scheduleFlush();
    }
    watcher.res.write(line);
  }

  /**
   * Sends what each watcher was written since the last flush: the events of every timer and
   * request handled meanwhile go out as one chunk (one TLS record, one syscall) per watcher, not
   * one per store write. A flush follows the event loop's turn, and at most one flush happens per
   * FLUSH_EVERY_MS: under load the timers of the cluster fire in many turns a millisecond apart,
   * and a write per watcher per turn was most of the simulator's socket work. An event waits at
   * most that long.
   */
  private scheduleFlush(): void {
    if (this.flushing) return;
    const wait = this.lastFlushMs + FLUSH_EVERY_MS - performance.now();
    this.flushing = wait > 0 ? setTimeout(() => this.flush(), wait) : setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = undefined;
    this.lastFlushMs = performance.now();
    for (const watcher of this.corked) {
      watcher.corked = false;
      watcher.res.uncork();
    }
    this.corked.clear();
  }

  private close(watcher: Watcher): void {
    if (watcher.closed) return;
    watcher.closed = true;
    if (this.corked.delete(watcher)) watcher.res.uncork();
    for (const t of watcher.timers) clearTimeout(t);
    this.watchers.get(watcher.req.info.key)?.delete(watcher);
    if (!watcher.res.writableEnded && !responseGone(watcher.res)) watcher.res.end();
    watcher.req.onEnd?.();
  }
}
