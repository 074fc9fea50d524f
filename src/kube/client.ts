import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import { UserError } from '../shared/errors.js';
import { CredentialSource } from './credentials.js';
import { Discovery, type ApiResource } from './discovery.js';
import { KubeApiError } from './errors.js';
import type { ClusterTarget } from './kubeconfig.js';
import { execInPod, type ExecRequest, type ExecResult } from './exec.js';
import { InFlightSizer } from './inflight.js';
import { ConcurrencySlots, TokenBucket } from './limiter.js';
import { apiVerb, parseResourcePath, queryString, resourcePath, type ResourceTarget } from './paths.js';
import { Reachability } from './retry.js';
import { Sender, type BodySink, type ClientSettings, type Connection, type RequestCounts } from './sender.js';
import { Transport, type HttpMethod } from './transport.js';
import type { RequestListener, RequestOrigin } from './types.js';
import { watchResources, type WatchHandle, type WatchOptions } from './watch.js';
import { SharedWatch, sharedWatchKey } from './shared-watch.js';
import { labelsSent, prepareCreate, type PreparedCreate } from './prepared-create.js';

export type { BodySink, ClientSettings } from './sender.js';

/** Any Kubernetes object: plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  // Kubernetes objects are open-ended JSON; callers read fields they know.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

export interface Limits {
  /** Requests per second; <= 0 means 5 (kube-burner), Infinity means no token bucket. */
  qps: number;
  /** Bucket size; <= 0 means 10. */
  burst: number;
  /**
   * Requests in flight at once (slots); defaults to the parent's. With a finite qps this is the
   * least: the slots grow to qps x latency (src/kube/inflight.ts).
   */
  maxConcurrency?: number;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** A list whose continue token keeps expiring (etcd compacting faster than we page) gives up after this many restarts. */
const MAX_LIST_RESTARTS = 5;

/** A metadata-only list, or the full one from a server that cannot serve that for the resource. */
const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';

/** The field manager burn writes as (server-side apply). */
export const FIELD_MANAGER = 'burn';

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout; defaults to the client's requestTimeoutMs. */
  timeoutMs?: number;
}

export interface CreateOptions extends CallOptions {
  /** Where a namespaced object without metadata.namespace goes. */
  namespace?: string;
  /** A 409 AlreadyExists resolves null instead of throwing. */
  alreadyExistsOk?: boolean;
  /** The answer is not read into an object (resolves null): the caller needs only the name it sent. */
  discardResponse?: boolean;
}

export interface ListOptions extends CallOptions {
  /** Omit for all namespaces of a namespaced kind. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (limit/continue); default 500. */
  limit?: number;
  /**
   * Items carry only their metadata (PartialObjectMetadata: name, namespace, labels, owners), for a
   * caller that needs no more: a fraction of the bytes of full objects. A server that cannot serve
   * them for a resource answers full objects.
   */
  metadataOnly?: boolean;
}

export interface ListPage {
  items: KubeObject[];
  /** The list's resourceVersion (the same snapshot for every page of one pass). */
  resourceVersion: string;
  /** True on the first page after the server expired the continue token and the list restarted from the top. */
  restarted: boolean;
}

export interface DeleteOptions extends CallOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Resolve null instead of throwing when the object is already gone. */
  notFoundOk?: boolean;
}

export interface RawRequest extends CallOptions {
  method: HttpMethod;
  /** Path from the server root, e.g. /api/v1/namespaces/x/pods; may carry a query. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** An object is serialized as JSON; a string is sent as is. */
  body?: unknown;
  contentType?: string;
  /** 'json' (default) parses the body; 'text' returns it; 'bytes' returns a Buffer; 'none' discards it. */
  responseType?: 'json' | 'text' | 'bytes' | 'none';
  /** Statuses that resolve undefined instead of throwing (e.g. [404]). */
  tolerate?: number[];
}

/** State every view of one cluster shares: pool, credentials, discovery, listeners. */
interface Shared extends Connection {
  discovery: Discovery;
  unlimited: KubeClient | undefined;
  /** The `share` watches open, by sharedWatchKey. */
  watches: Map<string, SharedWatch>;
}

/**
 * A client for one cluster: typed helpers over the one request path (src/kube/sender.ts).
 * Views made with withLimits() share everything but their token bucket and slots.
 */
export class KubeClient {
  private readonly shared: Shared;
  private readonly sender: Sender;

  /** Use connectCluster() (src/kube/index.ts). */
  constructor(target: ClusterTarget, limits: Limits, settings: ClientSettings);
  constructor(shared: Shared, limits: Limits, origin: RequestOrigin);
  constructor(targetOrShared: ClusterTarget | Shared, limits: Limits, settingsOrOrigin?: ClientSettings | RequestOrigin) {
    const settings = typeof settingsOrOrigin === 'object' ? settingsOrOrigin : undefined;
    const origin = typeof settingsOrOrigin === 'string' ? settingsOrOrigin : 'workload';
    if ('transport' in targetOrShared) {
      this.shared = targetOrShared;
    } else {
      this.shared = {
        target: targetOrShared,
        transport: new Transport(targetOrShared.origin, targetOrShared.basePath, targetOrShared.tls, settings!.protocol, connectTimeoutMs(settings!.requestTimeoutMs), connectionCap(settings!.maxConcurrency)),
        credentials: new CredentialSource(targetOrShared),
        // Discovery is housekeeping: it goes through the unlimited view, not a job's bucket.
        discovery: new Discovery((path) => this.unlimited().request<unknown>({ method: 'GET', path, tolerate: [404] })),
        listeners: [],
        reachability: new Reachability(),
        settings: settings!,
        unlimited: undefined,
        watches: new Map(),
      };
    }
    const bucket = limits.qps === Number.POSITIVE_INFINITY ? undefined : new TokenBucket({ qps: limits.qps, burst: limits.burst });
    const floor = limits.maxConcurrency ?? this.shared.settings.maxConcurrency;
    const sizer = bucket && floor > 0 && Number.isFinite(floor) ? new InFlightSizer(bucket.qps, floor) : undefined;
    this.sender = new Sender(this.shared, bucket, new ConcurrencySlots(sizer?.capacity ?? floor), origin, sizer);
  }

  /** The kubeconfig context this client talks to. */
  get context(): string {
    return this.shared.target.contextName;
  }

  get server(): string {
    return this.shared.target.server;
  }

  /** The context's namespace (or "default"): used when a namespaced call names none. */
  get defaultNamespace(): string {
    return this.shared.target.namespace;
  }

  get limits(): { qps: number; burst: number; maxConcurrency: number } {
    return {
      qps: this.sender.bucket?.qps ?? Number.POSITIVE_INFINITY,
      burst: this.sender.bucket?.burst ?? Number.POSITIVE_INFINITY,
      maxConcurrency: this.sender.slots.capacity,
    };
  }

  /** Requests of this view that have gone out and not ended (the rest of those started wait for a slot or a token). */
  get requestsOut(): number {
    return this.sender.requestsOut;
  }

  /** A view with its own token bucket (and slots), sharing pool, discovery and request listeners; its requests are the workload's. */
  withLimits(limits: Limits): KubeClient {
    return new KubeClient(this.shared, { ...limits, maxConcurrency: limits.maxConcurrency ?? this.configuredSlots }, 'workload');
  }

  /** The slots this view was given (what sizing grows from). */
  private get configuredSlots(): number {
    return this.sender.sizer?.floor ?? this.sender.slots.capacity;
  }

  /** Retries and 429 answers of this view's requests so far. */
  get requestCounts(): Readonly<RequestCounts> {
    return this.sender.counts;
  }

  /** A view without a token bucket, for measurements and housekeeping; its requests are tagged origin 'burn'. */
  unlimited(): KubeClient {
    this.shared.unlimited ??= new KubeClient(this.shared, { qps: Number.POSITIVE_INFINITY, burst: 1, maxConcurrency: this.configuredSlots }, 'burn');
    return this.shared.unlimited;
  }

  /**
   * A housekeeping client for one API server replica at address:port (an endpoint of the
   * default/kubernetes EndpointSlice): the same credentials and TLS, the certificate checked
   * against the kubeconfig server's host name. Its requests are not recorded. Close it when done.
   */
  replica(address: string, port: number): KubeClient {
    const target = this.shared.target;
    const url = new URL(target.origin);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const servername = target.tls.servername ?? (isIP(host) ? undefined : host);
    const replicaTarget: ClusterTarget = {
      ...target,
      origin: `${url.protocol}//${isIP(address) === 6 ? `[${address}]` : address}:${port}`,
      basePath: '',
      tls: { ...target.tls, ...(servername ? { servername } : {}) },
    };
    // One retry: an address burn cannot reach (a private one, as on EKS) must cost seconds, not minutes of backoff.
    const settings = { ...this.shared.settings, maxConcurrency: 2, retry: { ...this.shared.settings.retry, maxRetries: Math.min(1, this.shared.settings.retry.maxRetries) } };
    return new KubeClient(replicaTarget, { qps: Number.POSITIVE_INFINITY, burst: 1 }, settings).unlimited();
  }

  /** Who this view's requests are from, as RequestRecord.origin says. */
  get origin(): RequestOrigin {
    return this.sender.origin;
  }

  /** Calls listener with the record of every resource request any view sends; returns an unsubscribe. */
  onRequest(listener: RequestListener): () => void {
    this.shared.listeners.push(listener);
    return () => {
      const i = this.shared.listeners.indexOf(listener);
      if (i >= 0) this.shared.listeners.splice(i, 1);
    };
  }

  resolve(apiVersion: string, kind: string): Promise<ApiResource> {
    return this.shared.discovery.resolve(apiVersion, kind);
  }

  /** Every resource the server serves (CRDs included). */
  allResources(): Promise<ApiResource[]> {
    return this.shared.discovery.all();
  }

  /**
   * Where a request about a kind goes: the kind resolved through discovery (synchronous once
   * cached, so the create hot path awaits nothing extra), then its group, version and resource,
   * the namespace and the object. No namespace on a namespaced kind means the context's namespace
   * for one object, and all namespaces for a collection (list, deletecollection).
   */
  resourceTarget(
    apiVersion: string,
    kind: string,
    at: { namespace?: string; name?: string; subresource?: string; collection?: boolean },
  ): ResourceTarget | Promise<ResourceTarget> {
    const build = (api: ApiResource): ResourceTarget => ({
      group: api.group,
      version: api.version,
      resource: api.resource,
      namespace: !api.namespaced ? undefined : at.collection ? at.namespace : at.namespace || this.shared.target.namespace,
      ...(at.name !== undefined ? { name: at.name } : {}),
      ...(at.subresource !== undefined ? { subresource: at.subresource } : {}),
    });
    const found = this.shared.discovery.cached(apiVersion, kind);
    return found ? build(found) : this.shared.discovery.resolve(apiVersion, kind).then(build);
  }

  /** GET /version */
  async serverVersion(options: CallOptions = {}): Promise<{ major: string; minor: string; gitVersion: string; platform?: string }> {
    return this.request({ method: 'GET', path: '/version', ...options });
  }

  /**
   * Creates an object. Resolves the created object, or null when it already existed and
   * `alreadyExistsOk` was asked. The body is serialized once, whatever the retries. A create whose
   * name the server generates is never sent twice once the server may have acted on it: it throws
   * UncertainCreateError instead (see Sender).
   */
  async create(obj: KubeObject, options: CreateOptions = {}): Promise<KubeObject | null> {
    return this.createPrepared(prepareCreate(obj, options.namespace), options);
  }

  /** create() of a body serialized beforehand: the caller need not keep the object while the server holds the create. */
  async createPrepared(prepared: PreparedCreate, options: CreateOptions = {}): Promise<KubeObject | null> {
    const found = this.resourceTarget(prepared.apiVersion, prepared.kind, { namespace: prepared.namespace });
    const target = found instanceof Promise ? await found : found;
    const text = await this.sender.execute({
      method: 'POST',
      path: resourcePath(target),
      body: prepared.body,
      contentType: 'application/json',
      target,
      verb: 'POST',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      alreadyExistsOk: options.alreadyExistsOk,
      create: { name: prepared.name, labels: () => labelsSent(prepared.body) },
      discard: options.discardResponse,
      objectName: prepared.name ?? prepared.generateName,
    });
    return text ? (JSON.parse(text) as KubeObject) : null;
  }

  /** Reads one object; with notFoundOk resolves null when it does not exist. */
  get(apiVersion: string, kind: string, name: string, namespace?: string, options?: CallOptions & { notFoundOk?: false }): Promise<KubeObject>;
  get(apiVersion: string, kind: string, name: string, namespace: string | undefined, options: CallOptions & { notFoundOk: true }): Promise<KubeObject | null>;
  async get(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
    options: CallOptions & { notFoundOk?: boolean } = {},
  ): Promise<KubeObject | null> {
    const target = await this.resourceTarget(apiVersion, kind, { namespace, name });
    const text = await this.sender.execute({
      method: 'GET',
      path: resourcePath(target),
      target,
      verb: 'GET',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      tolerate: options.notFoundOk ? [404] : undefined,
    });
    return text ? (JSON.parse(text) as KubeObject) : null;
  }

  /** Lists every matching object, page by page (limit/continue); restarts if the continue token expires. */
  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<KubeObject[]> {
    let items: KubeObject[] = [];
    for await (const page of this.listPages(apiVersion, kind, options)) {
      if (page.restarted) items = [];
      for (const item of page.items) items.push(item);
    }
    return items;
  }

  /** How many objects match, from their metadata only, a page at a time (nothing is kept). */
  async count(apiVersion: string, kind: string, options: Omit<ListOptions, 'metadataOnly'> = {}): Promise<number> {
    let found = 0;
    for await (const page of this.listPages(apiVersion, kind, { ...options, metadataOnly: true })) found = page.restarted ? page.items.length : found + page.items.length;
    return found;
  }

  /** Pages of a list, for lists too big to hold at once. A page with `restarted` means start over. */
  async *listPages(apiVersion: string, kind: string, options: ListOptions = {}): AsyncGenerator<ListPage> {
    const target = await this.resourceTarget(apiVersion, kind, { namespace: options.namespace, collection: true });
    const base = resourcePath(target) + '?' + queryString({
      limit: options.limit ?? 500,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    });
    let continueToken: string | undefined;
    let restarted = false;
    let restarts = 0;
    for (;;) {
      const path = continueToken ? `${base}&continue=${encodeURIComponent(continueToken)}` : base;
      let text: string | undefined;
      try {
        text = await this.sender.execute({ method: 'GET', path, target, verb: 'LIST', signal: options.signal, timeoutMs: options.timeoutMs, ...(options.metadataOnly ? { accept: METADATA_LIST_ACCEPT } : {}) });
      } catch (err) {
        if (continueToken && err instanceof KubeApiError && err.code === 410 && restarts++ < MAX_LIST_RESTARTS) {
          continueToken = undefined;
          restarted = true;
          continue;
        }
        throw err;
      }
      const list = JSON.parse(text!) as { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
      // Lists leave apiVersion/kind off their items; put them back so items are usable as objects.
      const items = list.items ?? [];
      for (const item of items) {
        item.apiVersion ??= apiVersion;
        item.kind ??= kind;
      }
      yield { items, resourceVersion: list.metadata?.resourceVersion ?? '', restarted };
      restarted = false;
      continueToken = list.metadata?.continue || undefined;
      if (!continueToken) return;
    }
  }

  /** Patches an object. `apply` is server-side apply as field manager "burn", forcing conflicts. */
  async patch(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    body: unknown,
    patchType: PatchType,
    options: CallOptions = {},
  ): Promise<KubeObject> {
    const target = await this.resourceTarget(apiVersion, kind, { namespace, name });
    const query = patchType === 'apply' ? `?fieldManager=${FIELD_MANAGER}&force=true` : '';
    const text = await this.sender.execute({
      method: 'PATCH',
      path: resourcePath(target) + query,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      contentType: PATCH_CONTENT_TYPES[patchType],
      target,
      verb: 'PATCH',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    return JSON.parse(text!) as KubeObject;
  }

  /** Replaces an object (PUT); send the resourceVersion you read for optimistic concurrency. */
  async update(obj: KubeObject, options: CallOptions & { subresource?: string } = {}): Promise<KubeObject> {
    const name = obj.metadata?.name;
    if (!name) throw new UserError(`cannot update a ${obj.kind} without metadata.name`);
    const target = await this.resourceTarget(obj.apiVersion, obj.kind, { namespace: obj.metadata.namespace, name, subresource: options.subresource });
    const text = await this.sender.execute({
      method: 'PUT',
      path: resourcePath(target),
      body: JSON.stringify(obj),
      contentType: 'application/json',
      target,
      verb: 'PUT',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
    return JSON.parse(text!) as KubeObject;
  }

  /** Deletes one object. Resolves the server's answer (the object or a Status), or null when gone and notFoundOk. */
  async delete(apiVersion: string, kind: string, name: string, namespace?: string, options: DeleteOptions = {}): Promise<KubeObject | null> {
    const target = await this.resourceTarget(apiVersion, kind, { namespace, name });
    const query = queryString({ propagationPolicy: options.propagationPolicy, gracePeriodSeconds: options.gracePeriodSeconds });
    const text = await this.sender.execute({
      method: 'DELETE',
      path: query ? `${resourcePath(target)}?${query}` : resourcePath(target),
      target,
      verb: 'DELETE',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      tolerate: options.notFoundOk ? [404] : undefined,
    });
    return text ? (JSON.parse(text) as KubeObject) : null;
  }

  /** Deletes every matching object of a kind in one request (a namespace, or all of them when omitted). */
  async deleteCollection(
    apiVersion: string,
    kind: string,
    options: Omit<ListOptions, 'limit'> & Omit<DeleteOptions, 'notFoundOk'> = {},
  ): Promise<void> {
    const target = await this.resourceTarget(apiVersion, kind, { namespace: options.namespace, collection: true });
    const query = queryString({
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      propagationPolicy: options.propagationPolicy,
      gracePeriodSeconds: options.gracePeriodSeconds,
    });
    await this.sender.execute({
      method: 'DELETE',
      path: query ? `${resourcePath(target)}?${query}` : resourcePath(target),
      target,
      verb: 'DELETECOLLECTION',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      discard: true,
    });
  }

  /** Any request to the API server through the same path (slot, token, retries, recording). */
  async request<T = unknown>(req: RawRequest): Promise<T> {
    const query = req.query ? queryString(req.query) : '';
    const path = query ? `${req.path}${req.path.includes('?') ? '&' : '?'}${query}` : req.path;
    const parsed = parseResourcePath(path);
    const watch = parsed !== undefined && (parsed.watchPath || /[?&]watch=(true|1)(&|$)/.test(path));
    const text = await this.sender.execute({
      method: req.method,
      path,
      body: req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
      contentType: req.body === undefined ? undefined : (req.contentType ?? 'application/json'),
      target: parsed,
      verb: parsed ? apiVerb(req.method, parsed.name !== undefined, watch) : undefined,
      signal: req.signal,
      timeoutMs: req.timeoutMs,
      tolerate: req.tolerate,
      discard: req.responseType === 'none',
      binary: req.responseType === 'bytes',
    });
    if (text === undefined || req.responseType === 'none') return undefined as T;
    if (req.responseType === 'bytes') return Buffer.from(text, 'latin1') as T;
    return (req.responseType === 'text' ? text : JSON.parse(text)) as T;
  }

  /**
   * A GET whose answer is read chunk by chunk into the sink `start` returns (called again when a
   * retry starts over), never held whole: the API server's /metrics is megabytes of text.
   */
  async requestStream(path: string, start: () => BodySink, timeoutMs?: number): Promise<void> {
    await this.sender.execute({ method: 'GET', path, consume: start, timeoutMs });
  }

  /** A GET whose answer is bytes (a Go profile, a binary file), through the same request path. */
  requestBytes(path: string, timeoutMs?: number): Promise<Buffer> {
    return this.request<Buffer>({ method: 'GET', path, responseType: 'bytes', timeoutMs });
  }


  /** Runs a command in a pod's container (pods/exec over a WebSocket, as kubectl exec); see exec.ts. */
  async exec(req: ExecRequest): Promise<ExecResult> {
    const credential = this.shared.credentials.fresh() ?? (await this.shared.credentials.get());
    const { origin, basePath, tls } = this.shared.target;
    return execInPod({ origin, basePath, tls, credential }, req);
  }

  /** Lists then watches a kind, keeping callers consistent across dropped streams and 410s. See watch.ts. */
  watchResources<T = KubeObject>(options: WatchOptions<T>): WatchHandle<T> {
    if (!options.share) return watchResources(this, options);
    const key = sharedWatchKey(options);
    const watches = this.shared.watches;
    let shared = watches.get(key);
    if (!shared) {
      const { apiVersion, kind, namespace, labelSelector, fieldSelector, pageSize } = options;
      const created = new SharedWatch(this, { apiVersion, kind, namespace, labelSelector, fieldSelector, pageSize }, () => {
        if (watches.get(key) === created) watches.delete(key);
      });
      watches.set(key, (shared = created));
    }
    return shared.subscribe(options);
  }

  /** A streaming GET (a watch) through this view's bucket; see Sender.openStream. */
  openStream(target: ResourceTarget, query: string, bodyTimeoutMs: number, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    return this.sender.openStream(target, query, bodyTimeoutMs, signal);
  }

  /** Waits for open requests to finish, then closes the pool. */
  async close(): Promise<void> {
    await this.shared.transport.close();
  }

  /** Closes the pool at once, ending open requests and watches. */
  async destroy(): Promise<void> {
    await this.shared.transport.destroy();
  }
}

/** HTTP/1.1 starts with a connection per slot (more as rate-limited views grow theirs); no cap when concurrency is unlimited. */
function connectionCap(maxConcurrency: number): number | null {
  return maxConcurrency > 0 && Number.isFinite(maxConcurrency) ? maxConcurrency : null;
}

/** Opening a connection (TCP and TLS) gets at most the request timeout, and 10 s (undici's default) at most. */
function connectTimeoutMs(requestTimeoutMs: number): number {
  return requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, 10_000) : 10_000;
}
