import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSecureServer, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { ServingCerts } from './certs.js';
import type { ApiHandler } from './handler.js';

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/** kube-apiserver's SETTINGS_MAX_CONCURRENT_STREAMS (its --http2-max-streams-per-connection default). */
const MAX_STREAMS_PER_CONNECTION = 100;
/**
 * Node refuses new streams of a connection (RST_STREAM ENHANCE_YOUR_CALM) while the data queued
 * for it to send passes this many MB (Node's default: 10). A pod watch a busy client reads behind
 * holds more than 10 MB on the connection of its creates, and burn's creates then failed (a run at
 * qps 1,000 on 5,000 nodes, after 38,454 pods); a watch that stops reading is dropped by the watch
 * hub's own limit (64 MB) instead, as kube-apiserver's watch cache drops it.
 */
const MAX_SESSION_MEMORY_MB = 1024;

/**
 * Serves the handler over HTTPS on 127.0.0.1 (port 0: a free port), HTTP/2 by ALPN as the
 * apiserver does, HTTP/1.1 for the clients that ask for it. Over HTTP/2 a client keeps many
 * requests in flight on a few connections; over HTTP/1.1 each needs its own connection and TLS
 * handshake, which at qps 1,000 cost the simulator and the client more CPU than the requests.
 * Watches may run for an hour.
 */
export async function listen(handler: ApiHandler, certs: ServingCerts, port: number): Promise<ListeningServer> {
  const server = createSecureServer(
    { cert: certs.certPem, key: certs.keyPem, allowHTTP1: true, maxSessionMemory: MAX_SESSION_MEMORY_MB, settings: { maxConcurrentStreams: MAX_STREAMS_PER_CONNECTION } },
    (req, res) => {
      // The compatibility API of HTTP/2 has the same surface the handler uses.
      void handler.handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    },
  );
  server.setTimeout(0);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  server.on('secureConnection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
