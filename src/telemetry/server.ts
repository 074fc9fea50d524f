/** The HTTP endpoint Prometheus scrapes during a run: GET /metrics, on 127.0.0.1 unless told otherwise. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { UserError } from '../shared/errors.js';

export interface MetricsServer {
  /** http://address:port/metrics, with the port the system gave when asked for 0. */
  url: string;
  close(): Promise<void>;
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function listenError(err: NodeJS.ErrnoException, address: string, port: number): UserError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new UserError(`--metrics-port ${port}: ${address}:${port} is already in use`, { hint: 'pick a free port, or --metrics-port 0 for any free one (burn logs which)' });
    case 'EACCES':
      return new UserError(`--metrics-port ${port}: not allowed to listen on ${address}:${port}`, { hint: 'ports below 1024 need privileges: pick a port from 1024 up' });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`--metrics-address ${address}: not an address of this machine`, { hint: 'use 127.0.0.1 (the default), 0.0.0.0 for every interface (in a pod), or one of its own addresses' });
    default:
      return new UserError(`--metrics-port ${port}: cannot listen on ${address}:${port}: ${err.message}`);
  }
}

export async function serveMetrics(registry: Registry, address: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('burn serves its metrics at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  // A scraper's idle keep-alive connection must not hold the end of the run.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, address, port)));
    server.listen(port, address, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${hostForUrl(bound.address)}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
