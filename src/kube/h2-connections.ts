import type { buildConnector, Dispatcher } from 'undici';
import { Client } from './undici.js';

/**
 * HTTP/2 connections to one origin, opened only when the ones open have no free stream: a request
 * goes to the first connection with fewer than `streamsPerConnection` requests on it, as Go's HTTP/2
 * transport (client-go) does. undici's Pool opens a new connection whenever every client it has holds
 * a request not yet written, which is the case for each request of a burst: 200 requests sent at
 * once opened 100 connections (each a TLS handshake, on the API server's CPU and burn's, and its
 * buffers in burn's memory) where 2 carry them.
 */
export class H2Connections {
  private readonly connections: { client: Client; active: number }[] = [];
  private closed = false;

  constructor(
    private readonly origin: string,
    private readonly options: { connect: buildConnector.connector; streamsPerConnection: number; keepAliveTimeout: number; keepAliveMaxTimeout: number },
    /** Called with each new client (the transport switches one that came up as HTTP/1.1 to a request at a time). */
    private readonly onClient?: (client: Client) => void,
  ) {}

  /** How many connections are open or opening. */
  get size(): number {
    return this.connections.length;
  }

  private pick(): { client: Client; active: number } {
    for (const entry of this.connections) if (entry.active < this.options.streamsPerConnection) return entry;
    const { connect, streamsPerConnection, keepAliveTimeout, keepAliveMaxTimeout } = this.options;
    const client = new Client(this.origin, { allowH2: true, pipelining: streamsPerConnection, connect, keepAliveTimeout, keepAliveMaxTimeout, headersTimeout: 0, bodyTimeout: 0 });
    const entry = { client, active: 0 };
    this.connections.push(entry);
    this.onClient?.(client);
    return entry;
  }

  /** A request on a connection with a free stream; the stream counts as taken until its body is read or dropped. */
  async request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    if (this.closed) throw new Error('the HTTP/2 connections are closed');
    const entry = this.pick();
    entry.active++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      entry.active--;
    };
    try {
      const response = await entry.client.request(options);
      // A body ends in 'close' whether it was read, dumped, destroyed or failed; 'end' comes first when it was read.
      if (response.body.closed) release();
      else response.body.once('end', release).once('close', release);
      return response;
    } catch (error) {
      release();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.connections.map((c) => c.client.close()));
  }

  async destroy(): Promise<void> {
    this.closed = true;
    await Promise.all(this.connections.map((c) => c.client.destroy()));
  }
}
