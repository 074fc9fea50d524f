import { Pool, type Dispatcher } from 'undici';
import type { Credential } from './credentials.js';
import type { TlsMaterial } from './kubeconfig.js';

const USER_AGENT = 'burn/0.1 (kubeburn)';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Attempt {
  method: HttpMethod;
  path: string;
  body?: string;
  contentType?: string;
  /** Per-attempt limit on waiting for headers and on silence while reading the body; 0 = none. */
  timeoutMs: number;
  /** Silence allowed while reading the body, when it differs from timeoutMs (watches). */
  bodyTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Keep-alive undici pools per cluster, with the kubeconfig's TLS: one for requests, whose
 * connections open lazily up to the concurrency cap and stay open, and one for watch streams,
 * which hold a connection each for minutes and must never starve requests (or be starved).
 * Header objects are built once per credential and content type and reused by every request.
 */
export class Transport {
  private pool: Pool;
  private streamPool: Pool;
  private poolCert: string | undefined;
  private headerCache = new Map<string, Record<string, string>>();
  private headerCredential: Credential | undefined;

  constructor(
    private readonly origin: string,
    private readonly basePath: string,
    private readonly tls: TlsMaterial,
    private readonly maxConnections: number | null,
    private readonly connectTimeoutMs = 10_000,
  ) {
    this.pool = this.createPool(undefined, maxConnections);
    this.streamPool = this.createPool(undefined, null);
  }

  private createPool(credential: Credential | undefined, connections: number | null): Pool {
    return new Pool(this.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: {
        timeout: this.connectTimeoutMs,
        ca: this.tls.ca,
        cert: credential?.cert ?? this.tls.cert,
        key: credential?.key ?? this.tls.key,
        rejectUnauthorized: this.tls.rejectUnauthorized,
        servername: this.tls.servername,
      },
    });
  }

  /** Headers for this credential and content type; the same object every time until the credential changes. */
  private headers(credential: Credential, contentType: string | undefined): Record<string, string> {
    if (credential !== this.headerCredential) {
      this.headerCredential = credential;
      this.headerCache = new Map();
      if (credential.cert !== this.poolCert) {
        // An exec plugin handed out a new client certificate: new connections must present it.
        const old = [this.pool, this.streamPool];
        this.pool = this.createPool(credential, this.maxConnections);
        this.streamPool = this.createPool(credential, null);
        this.poolCert = credential.cert;
        for (const pool of old) void pool.close().catch(() => undefined);
      }
    }
    const key = contentType ?? '';
    let headers = this.headerCache.get(key);
    if (!headers) {
      headers = { accept: 'application/json', 'user-agent': USER_AGENT, ...credential.extraHeaders };
      if (credential.authorization) headers.authorization = credential.authorization;
      if (contentType) headers['content-type'] = contentType;
      this.headerCache.set(key, headers);
    }
    return headers;
  }

  /** Sends one attempt; `stream` puts it on the watch pool. */
  send(attempt: Attempt, credential: Credential, stream = false): Promise<Dispatcher.ResponseData> {
    const headers = this.headers(credential, attempt.contentType);
    return (stream ? this.streamPool : this.pool).request({
      method: attempt.method,
      path: this.basePath + attempt.path,
      headers,
      body: attempt.body,
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.bodyTimeoutMs ?? attempt.timeoutMs,
      signal: attempt.signal,
    });
  }

  async close(): Promise<void> {
    // open watches would keep close() waiting for minutes: end them
    await Promise.all([this.pool.close(), this.streamPool.destroy()]);
  }

  /** Drops open connections at once (open requests and watches end with an error). */
  async destroy(): Promise<void> {
    await Promise.all([this.pool.destroy(), this.streamPool.destroy()]);
  }
}
