/**
 * undici moves the streams of an HTTP/2 connection that got GOAWAY to a new connection and sends
 * them again, whether or not the server acted on them. burn decides resends itself: a create with a
 * generated name that the server may have acted on must never reach the server twice (a second
 * object), and ends as an uncertain create instead.
 */
import http2 from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectCluster, isUncertainCreate } from '../../src/kube/index.js';
import { makePki, type TestPki } from './helpers/certs.js';
import { writeKubeconfig } from './helpers/kubeconfig.js';

/** Holds the first `hold` creates of each connection unanswered, then says GOAWAY (all of them processed) and closes. */
function goawayServer(pki: TestPki, hold: number) {
  const creates: string[] = [];
  const server = http2.createSecureServer({ key: pki.serverKey, cert: pki.serverCert });
  server.on('session', (session) => {
    const held: http2.ServerHttp2Stream[] = [];
    let answeredFirst = false;
    session.on('stream', (stream, headers) => {
      const url = String(headers[':path']);
      const json = (status: number, body: unknown) => {
        if (stream.destroyed || stream.closed || stream.headersSent) return;
        stream.respond({ ':status': status, 'content-type': 'application/json' });
        stream.end(JSON.stringify(body));
      };
      let body = '';
      stream.on('data', (c: Buffer) => (body += c.toString()));
      stream.on('end', () => {
        if (url === '/version') return json(200, { major: '1', minor: '34', gitVersion: 'v1.34.0-goaway' });
        if (url === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'] });
        if (url === '/apis') return json(200, { kind: 'APIGroupList', groups: [] });
        if (url === '/api/v1') return json(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['create', 'get', 'list'] }] });
        if (headers[':method'] !== 'POST') return json(404, { kind: 'Status', code: 404, reason: 'NotFound' });
        const obj = JSON.parse(body);
        const name = `${obj.metadata.generateName}${creates.length}`;
        creates.push(name);
        const created = { ...obj, metadata: { ...obj.metadata, name, uid: `uid-${creates.length}`, resourceVersion: String(creates.length) } };
        // The first create of the run answers (it carries HTTP/2's negotiation); later ones are held.
        if (!answeredFirst) {
          answeredFirst = true;
          return json(201, created);
        }
        held.push(stream);
        if (held.length === hold) {
          session.goaway(http2.constants.NGHTTP2_NO_ERROR, Math.max(...held.map((s) => s.id ?? 0)));
          // A graceful server would still answer what it processed; undici has dropped the connection by then.
          setTimeout(() => {
            for (const s of held) if (!s.destroyed) json(201, created);
            session.close();
          }, 50);
        }
      });
    });
  });
  return { server, creates };
}

let pki: TestPki;
let dir: string;
beforeAll(() => {
  pki = makePki();
  dir = mkdtempSync(path.join(tmpdir(), 'burn-goaway-'));
});
afterAll(() => {
  pki.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTP/2 GOAWAY', () => {
  it('never sends a generateName create twice: the streams cut by GOAWAY end as uncertain creates', async () => {
    const { server, creates } = goawayServer(pki, 4);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const kubeconfig = writeKubeconfig(dir, 'config', [{ name: 'goaway', server: `https://127.0.0.1:${port}`, cluster: { 'certificate-authority': pki.caFile }, user: { token: 't' }, namespace: 'default' }]);
    const client = await connectCluster({ kubeconfig, env: {}, retry: { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50 } });
    try {
      const configMap = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'g-', namespace: 'default' }, data: { a: 'b' } });
      await client.create(configMap());
      const outcomes = await Promise.allSettled([0, 1, 2, 3].map(() => client.create(configMap())));
      // Each create reached the server once: 1 answered, 4 held when GOAWAY came.
      expect(creates).toHaveLength(5);
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        expect(isUncertainCreate((o as PromiseRejectedResult).reason), String((o as PromiseRejectedResult).reason)).toBe(true);
      }
    } finally {
      await client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
