import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServingCerts } from './certs.js';
import type { ApiHandler } from './handler.js';

export interface ListeningServer {
  port: number;
  close(): Promise<void>;
}

/** Serves the handler over HTTPS on 127.0.0.1 (port 0: a free port). Watches may run for an hour. */
export async function listen(handler: ApiHandler, certs: ServingCerts, port: number): Promise<ListeningServer> {
  const server: Server = createServer({ cert: certs.certPem, key: certs.keyPem, requestTimeout: 0, keepAliveTimeout: 65_000 }, (req, res) => {
    void handler.handle(req, res);
  });
  server.timeout = 0;
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
        server.closeAllConnections();
      }),
  };
}
