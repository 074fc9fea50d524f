import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import { sleep } from '../shared/sleep.js';
import type { Credential, CredentialSource } from './credentials.js';
import { CLIENT_CLOSED, ClusterUnreachableError, KubeApiError, parseStatus, UncertainCreateError, type KubeStatus } from './errors.js';
import type { ClusterTarget } from './kubeconfig.js';
import type { InFlightSizer } from './inflight.js';
import type { ConcurrencySlots, TokenBucket } from './limiter.js';
import { apiScope, resourcePath, type ResourceTarget } from './paths.js';
import {
  backoffMs,
  classifyError,
  isRetryableFailure,
  isRetryableStatus,
  mayHaveReachedServer,
  Reachability,
  refusedBeforeWork,
  retryAfterMs,
  type RetryPolicy,
  type TransportFailure,
} from './retry.js';
import type { HttpMethod, HttpProtocol, Transport } from './transport.js';
import type { ApiVerb, RequestListener, RequestOrigin, RequestRecord } from './types.js';

/** Settings every view of a client shares. */
export interface ClientSettings {
  /** Per attempt: time to response headers, and longest silence while reading a body. */
  requestTimeoutMs: number;
  maxConcurrency: number;
  retry: RetryPolicy;
  /** HTTP/2 (streams multiplexed over a few connections) or HTTP/1.1 (a connection per request in flight); default h2. */
  protocol?: HttpProtocol;
}

/** One request as the retry loop sees it. */
export interface Call {
  method: HttpMethod;
  path: string;
  body?: string;
  contentType?: string;
  /** The Accept header when it is not plain JSON. */
  accept?: string;
  /** Set for resource requests: what gets recorded. */
  target?: ResourceTarget;
  verb?: ApiVerb;
  signal?: AbortSignal;
  timeoutMs?: number;
  alreadyExistsOk?: boolean;
  /** Set by create(): makes a resend safe (a name) and recognises the object an earlier attempt made. */
  create?: CreateIdentity;
  tolerate?: number[];
  /** Discard a successful body (no parse, no string). */
  discard?: boolean;
  /** Read the body as bytes, each one a latin1 character of the string (profiles, binary files). */
  binary?: boolean;
  /**
   * Hand a successful body over chunk by chunk instead of holding it whole (the API server's
   * /metrics, megabytes of which a few lines are wanted): called at each attempt, a retry starts over.
   * The body is asked for gzip-compressed (kube-apiserver's /metrics: 3.4 MB, 150 KB compressed) and
   * inflated on the way: reading the plain text over TLS and HTTP/2 took more of a small run's CPU
   * than anything burn did with it.
   */
  consume?: () => BodySink;
  /** Name of the object being created, for error messages (a create's path names none). */
  objectName?: string;
  /** Set by the sender: when the first attempt went out. */
  startedMs?: number;
}

/** What one view's requests needed beyond a single attempt: counted for the job's summary, never hidden. */
export interface RequestCounts {
  /** Attempts sent again (after 429, 5xx, a reset, a timeout or a 401). */
  retries: number;
  /** Answers 429 Too Many Requests (the server's max-inflight or priority and fairness turned the attempt away). */
  throttled: number;
}

/** What a create sends that identifies its object. */
export interface CreateIdentity {
  /** metadata.name; undefined when the server generates it (generateName). */
  name?: string;
  /** The labels sent (read when asked: rarely): an existing object carrying all of them is the one an earlier attempt created. */
  labels: () => Record<string, string>;
}

/** Where a streamed body goes: its chunks as they arrive, then its end. */
export interface BodySink {
  push(chunk: Buffer): void;
  end(): void;
}

/** What every view of one cluster shares for sending. */
export interface Connection {
  target: ClusterTarget;
  transport: Transport;
  credentials: CredentialSource;
  listeners: RequestListener[];
  settings: ClientSettings;
  reachability: Reachability;
}

/**
 * The hot path every request takes: slot, then token, then send; retries with backoff; one
 * RequestRecord to the listeners; typed errors. One Sender per client view (its own bucket
 * and slots) over the shared connection.
 */
/** How often a view whose requests wait for a slot looks at the age of its oldest request in flight. */
const OUTSTANDING_CHECK_MS = 100;

export class Sender {
  readonly counts: RequestCounts = { retries: 0, throttled: 0 };
  /** Requests whose first attempt has gone out and that have not ended: the server is working on them. */
  requestsOut = 0;
  /** Requests holding a slot, oldest first (when a sizer sizes the slots). */
  private readonly holding = new Set<Call>();
  private outstandingTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly connection: Connection,
    readonly bucket: TokenBucket | undefined,
    readonly slots: ConcurrencySlots,
    readonly origin: RequestOrigin = 'workload',
    /** Sizes the slots to qps x latency (src/kube/inflight.ts); without it they stay as given. */
    readonly sizer?: InFlightSizer,
  ) {}

  /**
   * Opens a streaming GET (a watch) through the token bucket, without a slot (a watch would hold
   * it for minutes) and without retries (the watcher decides). Resolves once headers arrive;
   * errors as for any request.
   */
  async openStream(target: ResourceTarget, query: string, bodyTimeoutMs: number, signal?: AbortSignal): Promise<Dispatcher.ResponseData> {
    const wait = this.bucket?.take(signal);
    if (wait) await wait;
    const credential = this.connection.credentials.fresh() ?? (await this.connection.credentials.get());
    const start = nowMs();
    let status = 0;
    try {
      const response = await this.connection.transport.send(
        { method: 'GET', path: `${resourcePath(target)}?${query}`, timeoutMs: this.connection.settings.requestTimeoutMs, bodyTimeoutMs, signal },
        credential,
        true,
      );
      status = response.statusCode;
      this.connection.reachability.answered();
      if (status === 401) void this.connection.credentials.refresh().catch(() => undefined);
      if (status >= 300) {
        const text = await response.body.text();
        const { reason, message, status: body } = parseStatus(status, text);
        throw new KubeApiError({ code: status, reason, message, verb: 'WATCH', resource: target.resource, namespace: target.namespace, status: body });
      }
      return response;
    } catch (err) {
      if (err instanceof KubeApiError || signal?.aborted) throw err;
      this.connection.reachability.failed(nowMs());
      throw this.transportError(err, 'WATCH', target, 0);
    } finally {
      this.record(target, 'WATCH', status, start, start, nowMs(), 0);
    }
  }

  /** Slot, then token, then send; retries; records; throws typed errors. Resolves the body text, or undefined when tolerated or discarded. */
  async execute(call: Call): Promise<string | undefined> {
    const slot = this.slots.acquire(call.signal);
    if (slot) {
      if (this.sizer) this.watchOutstanding();
      await slot;
    }
    // An HTTP/1.1 pool keeps a connection for each of this view's slots in use, beside the housekeeping view's.
    if (this.sizer) {
      this.connection.transport.reserve(this.slots.active + this.connection.settings.maxConcurrency);
      this.holding.add(call);
    }
    try {
      return await this.attempts(call);
    } finally {
      if (call.startedMs) this.requestsOut--;
      this.slots.release();
      if (this.sizer) {
        this.holding.delete(call);
        if (call.startedMs) this.sizer.observe(nowMs() - call.startedMs);
        this.resizeSlots();
      }
    }
  }

  private resizeSlots(): void {
    const capacity = this.sizer!.capacity;
    if (capacity !== this.slots.capacity) this.slots.resize(capacity);
  }

  /**
   * While requests wait for a slot, the oldest request in flight says how slow the server is before
   * any answer does: the slots grow with its age (kube-burner's client has no cap at all, so a slow
   * server must not hold burn's send rate below the job's qps until the first answers come back).
   */
  private watchOutstanding(): void {
    if (this.outstandingTimer) return;
    this.outstandingTimer = setInterval(() => {
      if (this.slots.queued === 0) {
        clearInterval(this.outstandingTimer);
        this.outstandingTimer = undefined;
        return;
      }
      for (const call of this.holding) {
        if (!call.startedMs) continue;
        this.sizer!.outstanding(nowMs() - call.startedMs);
        break;
      }
      this.resizeSlots();
    }, OUTSTANDING_CHECK_MS);
    this.outstandingTimer.unref();
  }

  /**
   * requestTimeout, or the longer wait a call asks for (a /metrics scrape of megabytes); not once the
   * cluster has answered nothing for GIVE_UP_AFTER_MS: then requestTimeout bounds every attempt, so
   * a frozen API server costs requestTimeout per request, not each call's longer wait.
   */
  private attemptTimeoutMs(call: Call): number {
    const requestTimeoutMs = this.connection.settings.requestTimeoutMs;
    const asked = call.timeoutMs ?? requestTimeoutMs;
    // 0 is no timeout at all.
    const longer = requestTimeoutMs > 0 && (asked === 0 || asked > requestTimeoutMs);
    return longer && this.connection.reachability.givenUp(nowMs()) ? requestTimeoutMs : asked;
  }

  /**
   * The attempts of one request, inside the slot the caller holds. A request is sent again only when
   * that cannot repeat a write: a POST whose object gets a server-generated name (or any POST not
   * made by create()) is never resent once the server may have acted on it; it ends in an
   * UncertainCreateError instead. A named create may be resent (the name makes a second object
   * impossible); its 409 AlreadyExists after such a resend is checked against what was sent.
   */
  private async attempts(call: Call): Promise<string | undefined> {
    const { settings, credentials, transport } = this.connection;
    const policy = settings.retry;
    const signal = call.signal;
    const resendable = call.method !== 'POST' || call.create?.name !== undefined;
    // The latency clock starts when the first attempt goes out: time queued for a slot or a token is
    // burn's own pacing, not the server's latency.
    let startMs = 0;
    let retries = 0;
    let refreshedAfter401 = false;
    /** An earlier attempt may have been acted on by the server. */
    let mayHaveActed = false;
    for (;;) {
      const token = this.bucket?.take(signal);
      if (token) await token;
      const credential: Credential = credentials.fresh() ?? (await credentials.get());
      const attemptStart = nowMs();
      if (!startMs) {
        startMs = attemptStart;
        this.requestsOut++;
      }
      call.startedMs = startMs;
      let response: Dispatcher.ResponseData;
      try {
        response = await transport.send(
          {
            method: call.method,
            path: call.path,
            body: call.body,
            contentType: call.contentType,
            accept: call.accept,
            gzip: call.consume !== undefined,
            timeoutMs: this.attemptTimeoutMs(call),
            signal,
          },
          credential,
        );
      } catch (err) {
        if (signal?.aborted) throw err;
        const kind = classifyError(err);
        const code = (err as { code?: string }).code ?? '';
        const reachability = this.connection.reachability;
        reachability.failed(nowMs());
        if (isRetryableFailure(kind, code) && mayHaveReachedServer(kind)) {
          if (!resendable) {
            this.record(call.target, call.verb, 0, startMs, attemptStart, nowMs(), retries);
            throw this.uncertainCreate(call, describeFailure(kind, err), retries, 0, err);
          }
          mayHaveActed = true;
        }
        if (isRetryableFailure(kind, code) && retries < policy.maxRetries && !reachability.givenUp(nowMs())) {
          await sleep(backoffMs(policy, retries), signal);
          retries++;
          this.counts.retries++;
          continue;
        }
        this.record(call.target, call.verb, 0, startMs, attemptStart, nowMs(), retries);
        throw this.transportError(err, call.verb ?? call.method, call.target, retries);
      }
      const status = response.statusCode;
      this.connection.reachability.answered();
      if (status < 300 && call.discard) {
        await response.body.dump();
        this.record(call.target, call.verb, status, startMs, attemptStart, nowMs(), retries);
        return undefined;
      }
      let text: string;
      try {
        if (status < 300 && call.consume) {
          const sink = call.consume();
          const deliver = async (chunks: AsyncIterable<Buffer>) => {
            for await (const chunk of chunks) sink.push(chunk);
          };
          if (response.headers['content-encoding'] === 'gzip') await pipeline(response.body, createGunzip(), deliver);
          else await deliver(response.body);
          sink.end();
          text = '';
        } else text = call.binary ? Buffer.from(await response.body.arrayBuffer()).toString('latin1') : await response.body.text();
      } catch (err) {
        // The connection dropped mid-body: as good as a reset.
        if (signal?.aborted) throw err;
        if (!resendable) {
          this.record(call.target, call.verb, 0, startMs, attemptStart, nowMs(), retries);
          throw this.uncertainCreate(call, `the answer (${status}) was cut off: ${(err as Error).message}`, retries, 0, err);
        }
        mayHaveActed = true;
        if (retries < policy.maxRetries && isRetryableFailure(classifyError(err), '')) {
          await sleep(backoffMs(policy, retries), signal);
          retries++;
          this.counts.retries++;
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
        this.counts.retries++;
        continue;
      }
      const retryAfter = response.headers['retry-after'];
      if (status === 429) this.counts.throttled++;
      if (isRetryableStatus(status)) {
        const refused = refusedBeforeWork(status, retryAfter);
        if (!refused && !resendable) {
          this.record(call.target, call.verb, status, startMs, attemptStart, endMs, retries);
          const { reason, message, status: body } = parseStatus(status, text);
          throw this.uncertainCreate(call, `the server answered ${status} ${reason} (${message})`, retries, status, undefined, body);
        }
        mayHaveActed ||= !refused;
        if (retries < policy.maxRetries) {
          await sleep(retryAfterMs(retryAfter, Date.now()) ?? backoffMs(policy, retries), signal);
          retries++;
          this.counts.retries++;
          continue;
        }
      }
      const { reason, message, status: body } = parseStatus(status, text);
      if (status === 409 && reason === 'AlreadyExists' && mayHaveActed && call.create) {
        const own = await this.ownObject(call, call.create);
        if (own !== undefined) {
          // An earlier attempt created it: recorded as the create it was, not as a conflict.
          this.record(call.target, call.verb, 201, startMs, attemptStart, endMs, retries);
          return call.discard ? undefined : own;
        }
      }
      this.record(call.target, call.verb, status, startMs, attemptStart, endMs, retries);
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
  }

  /**
   * Reads the object a named create found already there (409 after a resend) and returns its text
   * when it is the one an earlier attempt made: it carries every label the create sent (the run's
   * uuid among them). Without labels nothing proves it is ours.
   */
  private async ownObject(call: Call, create: CreateIdentity): Promise<string | undefined> {
    const expected = Object.entries(create.labels());
    if (expected.length === 0 || !call.target) return undefined;
    const target: ResourceTarget = { ...call.target, name: create.name };
    const text = await this.attempts({ method: 'GET', path: resourcePath(target), target, verb: 'GET', signal: call.signal, timeoutMs: call.timeoutMs, tolerate: [404] });
    if (text === undefined) return undefined;
    const labels = (JSON.parse(text) as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};
    return expected.every(([key, value]) => labels[key] === value) ? text : undefined;
  }

  private uncertainCreate(call: Call, what: string, retries: number, code: number, cause?: unknown, status?: KubeStatus): UncertainCreateError {
    return new UncertainCreateError(
      {
        code,
        reason: 'Uncertain',
        message: what,
        verb: call.verb ?? call.method,
        resource: describeResource(call),
        namespace: call.target?.namespace,
        name: call.objectName,
        retries,
        status,
      },
      what,
      cause,
    );
  }

  private transportError(err: unknown, verb: string, target: ResourceTarget | undefined, retries: number): Error {
    const { target: cluster } = this.connection;
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
    const listeners = this.connection.listeners;
    if (listeners.length === 0 || target === undefined || verb === undefined) return;
    const hasName = target.name !== undefined;
    const record: RequestRecord = {
      verb,
      origin: this.origin,
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

function describeFailure(kind: TransportFailure, err: unknown): string {
  const detail = (err as Error).message;
  return kind === 'timeout' ? `no answer within the request timeout after it was sent (${detail})` : `the connection failed after it was sent (${detail})`;
}

function describeResource(call: Call): string {
  if (!call.target) return call.path;
  const { resource, subresource, group } = call.target;
  const qualified = group ? `${resource}.${group}` : resource;
  return subresource ? `${qualified}/${subresource}` : qualified;
}
