import type { TLSSocket } from 'node:tls';
import type { buildConnector as Connector, Client, Dispatcher } from 'undici';
import { buildConnector, Pool } from './undici.js';
import { H2Connections } from './h2-connections.js';
import { UserError } from '../shared/errors.js';
import type { Credential } from './credentials.js';
import type { TlsMaterial } from './kubeconfig.js';

const USER_AGENT = 'burn/0.1 (kubeburn)';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * 'h2': requests are streams multiplexed over a few connections, as client-go does; 'http1': one
 * keep-alive connection per request in flight. README "Requests" says which is faster where.
 */
export type HttpProtocol = 'h2' | 'http1';

const PROTOCOLS: readonly HttpProtocol[] = ['h2', 'http1'];

/** The protocol BURN_HTTP_PROTOCOL asks for (default h2). */
export function httpProtocol(env: NodeJS.ProcessEnv): HttpProtocol {
  const value = env.BURN_HTTP_PROTOCOL;
  if (value === undefined || value === '') return 'h2';
  if ((PROTOCOLS as readonly string[]).includes(value)) return value as HttpProtocol;
  throw new UserError(`BURN_HTTP_PROTOCOL=${value} is not a protocol burn speaks`, { hint: `use one of ${PROTOCOLS.join(', ')}, or leave it unset for h2` });
}

/**
 * Streams per HTTP/2 connection before the pool opens another: kube-apiserver's
 * SETTINGS_MAX_CONCURRENT_STREAMS (100 since the 2023 rapid-reset fix). A server that allows fewer
 * gets the rest queued on the connection (undici 7 does not size itself to the server's SETTINGS).
 */
const H2_STREAMS_PER_CONNECTION = 100;

export interface Attempt {
  method: HttpMethod;
  path: string;
  body?: string;
  contentType?: string;
  /** The Accept header when it is not plain JSON (metadata-only lists). */
  accept?: string;
  /** Ask for a gzip-compressed body (Accept-Encoding: gzip); the caller inflates it. */
  gzip?: boolean;
  /** Per-attempt limit on waiting for headers and on silence while reading the body; 0 = none. */
  timeoutMs: number;
  /** Silence allowed while reading the body, when it differs from timeoutMs (watches). */
  bodyTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What requests go through: undici's Pool (HTTP/1.1) or burn's HTTP/2 connection set. */
type Requests = Pick<Dispatcher, 'request' | 'close' | 'destroy'> | H2Connections;

/**
 * Keep-alive undici pools per cluster, with the kubeconfig's TLS: one for requests (HTTP/2 streams,
 * or HTTP/1.1 connections opened lazily as requests need them; the senders' slots bound both), and
 * one HTTP/1.1 pool for watch streams,
 * which hold a connection each for minutes and must never starve requests (or be starved).
 * Header objects are built once per credential and content type and reused by every request.
 */
export class Transport {
  private pool: Requests;
  private streamPool: Pool;
  private poolCert: string | undefined;
  private headerCache = new Map<string, Record<string, string>>();
  private headerCredential: Credential | undefined;

  /** A connection of the HTTP/2 pool came up as HTTP/1.1 (a proxy without h2): no streams on it. */
  private http1Fallback = false;
  /**
   * Until the first connection of an HTTP/2 pool has negotiated (ALPN), requests after the first
   * wait: on a server without h2 they would otherwise queue 100 deep on one HTTP/1.1 connection.
   */
  private negotiating: Promise<void> | undefined;
  private negotiated: (() => void) | undefined;
  private probeSent = false;

  constructor(
    private readonly origin: string,
    private readonly basePath: string,
    private readonly tls: TlsMaterial,
    readonly protocol: HttpProtocol = 'h2',
    private readonly connectTimeoutMs = 10_000,
    /** HTTP/1.1: most connections the request pool opens (a request in flight each); null for no cap. */
    private connectionCap: number | null = null,
  ) {
    this.pool = this.createPool(undefined, protocol);
    this.streamPool = this.createPool(undefined, 'http1', true);
  }

  private createPool(credential: Credential | undefined, protocol: HttpProtocol, streams?: false): Requests;
  private createPool(credential: Credential | undefined, protocol: 'http1', streams: true): Pool;
  private createPool(credential: Credential | undefined, protocol: HttpProtocol, streams = false): Requests {
    const tls = {
      timeout: this.connectTimeoutMs,
      ca: this.tls.ca,
      cert: credential?.cert ?? this.tls.cert,
      key: credential?.key ?? this.tls.key,
      rejectUnauthorized: this.tls.rejectUnauthorized,
      servername: this.tls.servername,
    };
    const common = { connections: streams ? null : this.connectionCap, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, headersTimeout: 0, bodyTimeout: 0 };
    if (protocol === 'http1') return new Pool(this.origin, { ...common, pipelining: 1, connect: tls });
    // HTTP/2: a connection per 100 streams in flight, opened as they are needed.
    const connector = buildConnector({ ...tls, allowH2: true });
    if (!this.probeSent) this.negotiating ??= new Promise<void>((resolve) => (this.negotiated = resolve));
    const connect: Connector.connector = (options, callback) =>
      connector(options, (...result) => {
        const socket = result[1] as TLSSocket | null;
        if (socket && socket.alpnProtocol !== 'h2' && !this.http1Fallback) this.fallBackToHttp1(credential);
        callback(...result);
        this.endNegotiation();
      });
    // HTTP/1.1 pipelining would queue requests behind each other on one connection: one at a time there.
    const oneAtATimeOnHttp1 = (client: Client) => client.on('connect', () => void (this.http1Fallback && (client.pipelining = 1)));
    return new H2Connections(this.origin, { connect, streamsPerConnection: H2_STREAMS_PER_CONNECTION, keepAliveTimeout: common.keepAliveTimeout, keepAliveMaxTimeout: common.keepAliveMaxTimeout }, oneAtATimeOnHttp1);
  }

  /** The server answered the HTTP/2 pool's first connection with HTTP/1.1: later requests use an HTTP/1.1 pool. */
  private fallBackToHttp1(credential: Credential | undefined): void {
    this.http1Fallback = true;
    const old = this.pool;
    this.pool = this.createPool(credential, 'http1');
    // the probe request finishes on the old pool, one at a time there
    void old.close().catch(() => undefined);
  }

  private endNegotiation(): void {
    const done = this.negotiated;
    this.negotiating = undefined;
    this.negotiated = undefined;
    done?.();
  }

  /**
   * Room for `inFlight` requests at once. An HTTP/1.1 pool with fewer connections gets a new one
   * with twice as many (or `inFlight`); the old one finishes what it has and closes. HTTP/2 needs
   * nothing: its pool opens a connection per 100 streams, far below the cap.
   */
  reserve(inFlight: number): void {
    if (this.connectionCap === null || inFlight <= this.connectionCap) return;
    this.connectionCap = Math.max(inFlight, this.connectionCap * 2);
    // An HTTP/2 pool holds a connection per 100 streams: far below the cap, unless the server spoke HTTP/1.1.
    if (this.protocol === 'h2' && !this.http1Fallback) return;
    const old = this.pool;
    this.pool = this.createPool(this.headerCredential, 'http1');
    void old.close().catch(() => undefined);
  }

  /** Headers for this credential, content type and accept; the same object every time until the credential changes. */
  private headers(credential: Credential, contentType: string | undefined, accept = 'application/json', gzip = false): Record<string, string> {
    if (credential !== this.headerCredential) {
      this.headerCredential = credential;
      this.headerCache = new Map();
      if (credential.cert !== this.poolCert) {
        // An exec plugin handed out a new client certificate: new connections must present it.
        const old = [this.pool, this.streamPool];
        this.pool = this.createPool(credential, this.http1Fallback ? 'http1' : this.protocol);
        this.streamPool = this.createPool(credential, 'http1', true);
        this.poolCert = credential.cert;
        for (const pool of old) void pool.close().catch(() => undefined);
      }
    }
    const key = `${contentType ?? ''} ${accept} ${gzip}`;
    let headers = this.headerCache.get(key);
    if (!headers) {
      headers = { accept, 'user-agent': USER_AGENT, ...credential.extraHeaders };
      if (gzip) headers['accept-encoding'] = 'gzip';
      if (credential.authorization) headers.authorization = credential.authorization;
      if (contentType) headers['content-type'] = contentType;
      this.headerCache.set(key, headers);
    }
    return headers;
  }

  /** Sends one attempt; `stream` puts it on the watch pool. */
  send(attempt: Attempt, credential: Credential, stream = false): Promise<Dispatcher.ResponseData> {
    if (this.negotiating && !stream) {
      if (this.probeSent) return this.negotiating.then(() => this.send(attempt, credential, stream));
      this.probeSent = true;
    }
    const headers = this.headers(credential, attempt.contentType, attempt.accept, attempt.gzip);
    return (stream ? this.streamPool : this.pool).request({
      method: attempt.method,
      path: this.basePath + attempt.path,
      headers,
      body: attempt.body,
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.bodyTimeoutMs ?? attempt.timeoutMs,
      signal: attempt.signal,
      // undici holds back a request it thinks not idempotent (a POST) while others share the connection;
      // burn decides about resends itself (src/kube/sender.ts), so every request may share an HTTP/2 connection.
      idempotent: true,
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
