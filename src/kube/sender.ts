import type { Dispatcher } from 'undici';
import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import type { Credential, CredentialSource } from './credentials.js';
import { CLIENT_CLOSED, ClusterUnreachableError, KubeApiError, parseStatus } from './errors.js';
import type { ClusterTarget } from './kubeconfig.js';
import type { ConcurrencySlots, TokenBucket } from './limiter.js';
import { apiScope, resourcePath, type ResourceTarget } from './paths.js';
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
import type { HttpMethod, Transport } from './transport.js';
import type { ApiVerb, RequestListener, RequestOrigin, RequestRecord } from './types.js';

/** Settings every view of a client shares. */
export interface ClientSettings {
  /** Per attempt: time to response headers, and longest silence while reading a body. */
  requestTimeoutMs: number;
  maxConcurrency: number;
  retry: RetryPolicy;
}

/** One request as the retry loop sees it. */
export interface Call {
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

/** What every view of one cluster shares for sending. */
export interface Connection {
  target: ClusterTarget;
  transport: Transport;
  credentials: CredentialSource;
  listeners: RequestListener[];
  settings: ClientSettings;
}

/**
 * The hot path every request takes: slot, then token, then send; retries with backoff; one
 * RequestRecord to the listeners; typed errors. One Sender per client view (its own bucket
 * and slots) over the shared connection.
 */
export class Sender {
  constructor(
    readonly connection: Connection,
    readonly bucket: TokenBucket | undefined,
    readonly slots: ConcurrencySlots,
    readonly origin: RequestOrigin = 'workload',
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
      if (status === 401) void this.connection.credentials.refresh().catch(() => undefined);
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

  /** Slot, then token, then send; retries; records; throws typed errors. Resolves the body text, or undefined when tolerated or discarded. */
  async execute(call: Call): Promise<string | undefined> {
    const { settings, credentials, transport } = this.connection;
    const policy = settings.retry;
    const signal = call.signal;
    const slot = this.slots.acquire(signal);
    if (slot) await slot;
    // The latency clock starts when the first attempt goes out: time queued for a slot or a token is
    // burn's own pacing, not the server's latency.
    let startMs = 0;
    let retries = 0;
    let refreshedAfter401 = false;
    try {
      for (;;) {
        const token = this.bucket?.take(signal);
        if (token) await token;
        const credential: Credential = credentials.fresh() ?? (await credentials.get());
        const attemptStart = nowMs();
        startMs ||= attemptStart;
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

function describeResource(call: Call): string {
  if (!call.target) return call.path;
  const { resource, subresource, group } = call.target;
  const qualified = group ? `${resource}.${group}` : resource;
  return subresource ? `${qualified}/${subresource}` : qualified;
}
