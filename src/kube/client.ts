import type { Dispatcher } from 'undici';
import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import { CredentialSource, type Credential } from './credentials.js';
import { Discovery, type ApiResource } from './discovery.js';
import { CLIENT_CLOSED, ClusterUnreachableError, KubeApiError, parseStatus } from './errors.js';
import type { ClusterTarget } from './kubeconfig.js';
import { ConcurrencySlots, TokenBucket } from './limiter.js';
import { apiScope, apiVerb, parseResourcePath, queryString, resourcePath, type ResourceTarget } from './paths.js';
import {
  backoffMs,
  classifyError,
  isRetryableFailure,
  isRetryableStatus,
  retryAfterMs,
  sleep,
  type RetryPolicy,
  type TransportFailure,
} from './retry.js';
import { Transport, type HttpMethod } from './transport.js';
import type { ApiVerb, RequestListener, RequestRecord } from './types.js';
import { watchResources, type WatchHandle, type WatchOptions } from './watch.js';

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
  /** Requests in flight at once (slots); defaults to the parent's. */
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

/** The field manager burn writes as (server-side apply). */
export const FIELD_MANAGER = 'burn';

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout; defaults to the client's requestTimeoutMs. */
  timeoutMs?: number;
}

export interface ListOptions extends CallOptions {
  /** Omit for all namespaces of a namespaced kind. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (limit/continue); default 500. */
  limit?: number;
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
  /** 'json' (default) parses the body; 'text' returns it; 'none' discards it. */
  responseType?: 'json' | 'text' | 'none';
  /** Statuses that resolve undefined instead of throwing (e.g. [404]). */
  tolerate?: number[];
}

export interface ClientSettings {
  requestTimeoutMs: number;
  maxConcurrency: number;
  retry: RetryPolicy;
}

/** One request as the retry loop sees it. */
interface Call {
  method: HttpMethod;
  path: string;
  body?: string;
  contentType?: string;
  /** Set for resource requests: what gets recorded. */
  target?: ResourceTarget;
  verb?: ApiVerb;
  signal?: AbortSignal;
  timeoutMs?: number;
  alreadyExistsOk?: boolean;
  tolerate?: number[];
  /** Discard a successful body (no parse, no string). */
  discard?: boolean;
  /** Name of the object being created, for error messages (a create's path names none). */
  objectName?: string;
}

/** State every view of one cluster shares: pool, credentials, discovery, listeners. */
interface Shared {
  target: ClusterTarget;
  transport: Transport;
  credentials: CredentialSource;
  discovery: Discovery;
  listeners: RequestListener[];
  settings: ClientSettings;
  unlimited: KubeClient | undefined;
}

/**
 * The one request path to a cluster: slot, then token, then send; retries; recording.
 * Views made with withLimits() share everything but their token bucket and slots.
 */
export class KubeClient {
  private readonly shared: Shared;
  private readonly bucket: TokenBucket | undefined;
  private readonly slots: ConcurrencySlots;

  /** Use connectCluster() (src/kube/index.ts). */
  constructor(target: ClusterTarget, limits: Limits, settings: ClientSettings);
  constructor(shared: Shared, limits: Limits);
  constructor(targetOrShared: ClusterTarget | Shared, limits: Limits, settings?: ClientSettings) {
    if ('transport' in targetOrShared) {
      this.shared = targetOrShared;
    } else {
      this.shared = {
        target: targetOrShared,
        transport: new Transport(targetOrShared.origin, targetOrShared.basePath, targetOrShared.tls, connectionCap(settings!.maxConcurrency)),
        credentials: new CredentialSource(targetOrShared),
        // Discovery is housekeeping: it goes through the unlimited view, not a job's bucket.
        discovery: new Discovery((path) => this.unlimited().request<unknown>({ method: 'GET', path, tolerate: [404] })),
        listeners: [],
        settings: settings!,
        unlimited: undefined,
      };
    }
    this.bucket = limits.qps === Number.POSITIVE_INFINITY ? undefined : new TokenBucket({ qps: limits.qps, burst: limits.burst });
    this.slots = new ConcurrencySlots(limits.maxConcurrency ?? this.shared.settings.maxConcurrency ?? 0);
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
      qps: this.bucket?.qps ?? Number.POSITIVE_INFINITY,
      burst: this.bucket?.burst ?? Number.POSITIVE_INFINITY,
      maxConcurrency: this.slots.capacity,
    };
  }

  /** A view with its own token bucket (and slots), sharing pool, discovery and request listeners. */
  withLimits(limits: Limits): KubeClient {
    return new KubeClient(this.shared, { ...limits, maxConcurrency: limits.maxConcurrency ?? this.slots.capacity });
  }

  /** A view without a token bucket, for measurements and housekeeping. */
  unlimited(): KubeClient {
    this.shared.unlimited ??= this.withLimits({ qps: Number.POSITIVE_INFINITY, burst: 1 });
    return this.shared.unlimited;
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

  /** The discovered resource; synchronous once cached, so the hot path awaits nothing extra. */
  private api(apiVersion: string, kind: string): ApiResource | Promise<ApiResource> {
    return this.shared.discovery.cached(apiVersion, kind) ?? this.shared.discovery.resolve(apiVersion, kind);
  }

  private namespaceFor(api: ApiResource, namespace: string | undefined): string | undefined {
    return api.namespaced ? namespace || this.shared.target.namespace : undefined;
  }

  /** GET /version */
  async serverVersion(options: CallOptions = {}): Promise<{ major: string; minor: string; gitVersion: string; platform?: string }> {
    return this.request({ method: 'GET', path: '/version', ...options });
  }

  /**
   * Creates an object. Resolves the created object, or null when it already existed and
   * `alreadyExistsOk` was asked. The body is serialized once, whatever the retries.
   */
  async create(
    obj: KubeObject,
    options: CallOptions & { namespace?: string; alreadyExistsOk?: boolean; discardResponse?: boolean } = {},
  ): Promise<KubeObject | null> {
    const found = this.api(obj.apiVersion, obj.kind);
    const api = found instanceof Promise ? await found : found;
    const target: ResourceTarget = {
      group: api.group,
      version: api.version,
      resource: api.resource,
      namespace: this.namespaceFor(api, obj.metadata?.namespace ?? options.namespace),
    };
    const text = await this.execute({
      method: 'POST',
      path: resourcePath(target),
      body: JSON.stringify(obj),
      contentType: 'application/json',
      target,
      verb: 'POST',
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      alreadyExistsOk: options.alreadyExistsOk,
      discard: options.discardResponse,
      objectName: obj.metadata?.name ?? obj.metadata?.generateName,
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
    const api = await this.api(apiVersion, kind);
    const target = { group: api.group, version: api.version, resource: api.resource, namespace: this.namespaceFor(api, namespace), name };
    const text = await this.execute({
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

  /** Pages of a list, for lists too big to hold at once. A page with `restarted` means start over. */
  async *listPages(apiVersion: string, kind: string, options: ListOptions = {}): AsyncGenerator<ListPage> {
    const api = await this.api(apiVersion, kind);
    const target: ResourceTarget = {
      group: api.group,
      version: api.version,
      resource: api.resource,
      namespace: api.namespaced ? options.namespace : undefined,
    };
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
        text = await this.execute({ method: 'GET', path, target, verb: 'LIST', signal: options.signal, timeoutMs: options.timeoutMs });
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
    const api = await this.api(apiVersion, kind);
    const target = { group: api.group, version: api.version, resource: api.resource, namespace: this.namespaceFor(api, namespace), name };
    const query = patchType === 'apply' ? `?fieldManager=${FIELD_MANAGER}&force=true` : '';
    const text = await this.execute({
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
    const api = await this.api(obj.apiVersion, obj.kind);
    const name = obj.metadata?.name;
    if (!name) throw new UserError(`cannot update a ${obj.kind} without metadata.name`);
    const target = {
      group: api.group,
      version: api.version,
      resource: api.resource,
      namespace: this.namespaceFor(api, obj.metadata.namespace),
      name,
      subresource: options.subresource,
    };
    const text = await this.execute({
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
    const api = await this.api(apiVersion, kind);
    const target = { group: api.group, version: api.version, resource: api.resource, namespace: this.namespaceFor(api, namespace), name };
    const query = queryString({ propagationPolicy: options.propagationPolicy, gracePeriodSeconds: options.gracePeriodSeconds });
    const text = await this.execute({
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
    const api = await this.api(apiVersion, kind);
    const target: ResourceTarget = {
      group: api.group,
      version: api.version,
      resource: api.resource,
      namespace: api.namespaced ? options.namespace : undefined,
    };
    const query = queryString({
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      propagationPolicy: options.propagationPolicy,
      gracePeriodSeconds: options.gracePeriodSeconds,
    });
    await this.execute({
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
    const text = await this.execute({
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
    });
    if (text === undefined || req.responseType === 'none') return undefined as T;
    return (req.responseType === 'text' ? text : JSON.parse(text)) as T;
  }

  /** Lists then watches a kind, keeping callers consistent across dropped streams and 410s. See watch.ts. */
  watchResources<T = KubeObject>(options: WatchOptions<T>): WatchHandle {
    return watchResources(this, options);
  }

  /**
   * Opens a streaming GET (a watch) through the token bucket, without a slot (a watch would hold
   * it for minutes) and without retries (the watcher decides). Resolves once headers arrive;
   * errors as for any request.
   */
  async openStream(target: ResourceTarget, query: string, bodyTimeoutMs: number, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    const wait = this.bucket?.take(signal);
    if (wait) await wait;
    const credential = this.shared.credentials.fresh() ?? (await this.shared.credentials.get());
    const start = nowMs();
    let status = 0;
    try {
      const response = await this.shared.transport.send(
        { method: 'GET', path: `${resourcePath(target)}?${query}`, timeoutMs: this.shared.settings.requestTimeoutMs, bodyTimeoutMs, signal },
        credential,
        true,
      );
      status = response.statusCode;
      if (status === 401) void this.shared.credentials.refresh().catch(() => undefined);
      if (status >= 300) {
        const text = await response.body.text();
        const { reason, message, status: body } = parseStatus(status, text);
        throw new KubeApiError({ code: status, reason, message, verb: 'WATCH', resource: target.resource, namespace: target.namespace, status: body });
      }
      return response;
    } catch (err) {
      if (err instanceof KubeApiError || signal?.aborted) throw err;
      throw this.transportError(err, 'WATCH', target, 0);
    } finally {
      this.record(target, 'WATCH', status, start, start, nowMs(), 0);
    }
  }

  /** Waits for open requests to finish, then closes the pool. */
  async close(): Promise<void> {
    await this.shared.transport.close();
  }

  /** Closes the pool at once, ending open requests and watches. */
  async destroy(): Promise<void> {
    await this.shared.transport.destroy();
  }

  /** Slot, then token, then send; retries; records; throws typed errors. Resolves the body text, or undefined when tolerated or discarded. */
  private async execute(call: Call): Promise<string | undefined> {
    const { settings, credentials, transport } = this.shared;
    const policy = settings.retry;
    const signal = call.signal;
    const slot = this.slots.acquire(signal);
    if (slot) await slot;
    const startMs = nowMs();
    let retries = 0;
    let refreshedAfter401 = false;
    try {
      for (;;) {
        const token = this.bucket?.take(signal);
        if (token) await token;
        const credential: Credential = credentials.fresh() ?? (await credentials.get());
        const attemptStart = nowMs();
        let response: Dispatcher.ResponseData;
        try {
          response = await transport.send(
            {
              method: call.method,
              path: call.path,
              body: call.body,
              contentType: call.contentType,
              timeoutMs: call.timeoutMs ?? settings.requestTimeoutMs,
              signal,
            },
            credential,
          );
        } catch (err) {
          if (signal?.aborted) throw err;
          const kind = classifyError(err);
          const code = (err as { code?: string }).code ?? '';
          if (isRetryableFailure(kind, code) && retries < policy.maxRetries) {
            await sleep(backoffMs(policy, retries), signal);
            retries++;
            continue;
          }
          this.record(call.target, call.verb, 0, startMs, attemptStart, nowMs(), retries);
          throw this.transportError(err, call.verb ?? call.method, call.target, retries);
        }
        const status = response.statusCode;
        if (status < 300 && call.discard) {
          await response.body.dump();
          this.record(call.target, call.verb, status, startMs, attemptStart, nowMs(), retries);
          return undefined;
        }
        let text: string;
        try {
          text = await response.body.text();
        } catch (err) {
          // The connection dropped mid-body: as good as a reset.
          if (signal?.aborted) throw err;
          if (retries < policy.maxRetries && isRetryableFailure(classifyError(err), '')) {
            await sleep(backoffMs(policy, retries), signal);
            retries++;
            continue;
          }
          this.record(call.target, call.verb, 0, startMs, attemptStart, nowMs(), retries);
          throw this.transportError(err, call.verb ?? call.method, call.target, retries);
        }
        const endMs = nowMs();
        if (status < 300) {
          this.record(call.target, call.verb, status, startMs, attemptStart, endMs, retries);
          return text;
        }
        if (status === 401 && !refreshedAfter401) {
          refreshedAfter401 = true;
          await credentials.refresh();
          retries++;
          continue;
        }
        if (isRetryableStatus(status) && retries < policy.maxRetries) {
          const delay = retryAfterMs(response.headers['retry-after'], Date.now()) ?? backoffMs(policy, retries);
          await sleep(delay, signal);
          retries++;
          continue;
        }
        this.record(call.target, call.verb, status, startMs, attemptStart, endMs, retries);
        const { reason, message, status: body } = parseStatus(status, text);
        if (call.tolerate?.includes(status)) return undefined;
        if (status === 409 && call.alreadyExistsOk && reason === 'AlreadyExists') return undefined;
        throw new KubeApiError({
          code: status,
          reason,
          message,
          verb: call.verb ?? call.method,
          resource: describeResource(call),
          namespace: call.target?.namespace,
          name: call.target?.name ?? call.objectName,
          retries,
          status: body,
        });
      }
    } finally {
      this.slots.release();
    }
  }

  private transportError(err: unknown, verb: string, target: ResourceTarget | undefined, retries: number): Error {
    const { target: cluster } = this.shared;
    const kind = classifyError(err);
    const code = (err as { code?: string }).code ?? '';
    const detail = `${code ? code + ': ' : ''}${(err as Error).message}`;
    if (kind === 'unreachable') return new ClusterUnreachableError(cluster.server, cluster.contextName, detail, err);
    if (kind === 'tls') {
      return new UserError(`TLS handshake with the API server ${cluster.server} (context "${cluster.contextName}") failed: ${detail}`, {
        hint: 'check certificate-authority in the kubeconfig; --skip-tls-verify skips the check (only on a network you trust)',
        cause: err,
      });
    }
    return new KubeApiError(
      {
        code: 0,
        reason: FAILURE_REASONS[kind] ?? (code || 'RequestFailed'),
        message: (err as Error).message,
        verb,
        resource: target ? target.resource : 'request',
        namespace: target?.namespace,
        name: target?.name,
        retries,
      },
      { cause: err },
    );
  }

  private record(
    target: ResourceTarget | undefined,
    verb: ApiVerb | undefined,
    code: number,
    startMs: number,
    attemptStartMs: number,
    endMs: number,
    retries: number,
  ): void {
    const listeners = this.shared.listeners;
    if (listeners.length === 0 || target === undefined || verb === undefined) return;
    const hasName = target.name !== undefined;
    const record: RequestRecord = {
      verb,
      group: target.group,
      version: target.version,
      resource: target.resource,
      subresource: target.subresource ?? '',
      scope: apiScope(verb, hasName, target.namespace),
      namespace: target.namespace,
      code,
      startMs,
      latencyMs: endMs - startMs,
      attemptLatencyMs: endMs - attemptStartMs,
      retries,
    };
    for (let i = 0; i < listeners.length; i++) listeners[i](record);
  }
}

const FAILURE_REASONS: Partial<Record<TransportFailure, string>> = {
  timeout: 'Timeout',
  reset: 'ConnectionReset',
  closed: CLIENT_CLOSED,
};

/** One connection per slot; no cap when concurrency is unlimited. */
function connectionCap(maxConcurrency: number): number | null {
  return maxConcurrency > 0 && Number.isFinite(maxConcurrency) ? maxConcurrency : null;
}

function describeResource(call: Call): string {
  if (!call.target) return call.path;
  const { resource, subresource, group } = call.target;
  const qualified = group ? `${resource}.${group}` : resource;
  return subresource ? `${qualified}/${subresource}` : qualified;
}
