export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/** Longest Retry-After we honour; a server asking for more gets this. */
const MAX_RETRY_AFTER_MS = 60_000;

/** What went wrong with an attempt that got no HTTP response. */
export type TransportFailure = 'timeout' | 'reset' | 'unreachable' | 'tls' | 'closed' | 'other';

export function classifyError(err: unknown): TransportFailure {
  const code = (err as { code?: string } | null)?.code ?? '';
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'reset';
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return 'closed'; // the client itself was closed: nothing to retry
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'unreachable';
    default:
      if (/CERT|SELF_SIGNED|SSL|TLS|ALTNAME|UNABLE_TO_VERIFY/.test(code)) return 'tls';
      return 'other';
  }
}

/** Failures worth another attempt: the server or the network may do better next time. */
export function isRetryableFailure(kind: TransportFailure, code: string): boolean {
  if (kind === 'timeout' || kind === 'reset') return true;
  // Refused connections happen while an apiserver restarts; a wrong host name will not fix itself.
  return kind === 'unreachable' && code !== 'ENOTFOUND';
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/**
 * Whether the server may have acted on an attempt that got no usable answer. Only a connection
 * that never opened (refused, unreachable) proves nothing was sent; after a timeout or a reset the
 * request may have been written, read and committed.
 */
export function mayHaveReachedServer(kind: TransportFailure): boolean {
  return kind !== 'unreachable';
}

/**
 * Whether an error status says the server did nothing with the request, so that sending it again
 * cannot repeat a write: 429 (turned away before any work, by max-inflight or priority and fairness),
 * or a 5xx carrying Retry-After (the server asks for the resend, as client-go honours). Any other 5xx
 * may come after the write committed (an etcd timeout answers 500 although the write went through).
 */
export function refusedBeforeWork(status: number, retryAfter: string | string[] | undefined): boolean {
  return status === 429 || (status >= 500 && retryAfter !== undefined && retryAfter !== '');
}

/** Retry-After as ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | string[] | undefined, nowWallMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - nowWallMs;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** After this long with no answer from the cluster at all, requests stop retrying. */
export const GIVE_UP_AFTER_MS = 30_000;

/**
 * Whether the cluster has answered lately, shared by every request to it. While it answers nothing
 * (a killed or frozen API server), each request would spend its whole retry budget on its own, one
 * after another, and a run would take many minutes to fail; once nothing has come back for
 * GIVE_UP_AFTER_MS, requests get one attempt each (so a server that is back is found at once).
 */
export class Reachability {
  private failingSinceMs = 0;

  answered(): void {
    this.failingSinceMs = 0;
  }

  failed(nowMs: number): void {
    this.failingSinceMs ||= nowMs;
  }

  givenUp(nowMs: number): boolean {
    return this.failingSinceMs > 0 && nowMs - this.failingSinceMs > GIVE_UP_AFTER_MS;
  }
}

/** Exponential backoff with jitter: base * 2^retry, capped, scaled by a random factor in [0.5, 1.5). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return exp * (0.5 + Math.random());
}
