import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../../src/kube/transport.js';
import type { Credential } from '../../src/kube/credentials.js';
import { makePki, type TestPki } from './helpers/certs.js';

const credential: Credential = { authorization: 'Bearer t', extraHeaders: {}, refreshAtMs: Number.POSITIVE_INFINITY };

describe('HTTP/2 connections', () => {
  let pki: TestPki;
  let server: Http2SecureServer;
  let origin: string;
  let sessions = 0;
  let inFlight = 0;
  let peak = 0;
  /** While set, answers are held until more than one connection's 100 streams are in flight (or 10 s pass). */
  let holdUntilParallel = false;
  const held: Array<() => void> = [];
  const releaseHeld = () => {
    holdUntilParallel = false;
    for (const answer of held.splice(0)) answer();
  };

  beforeAll(async () => {
    pki = makePki();
    server = createSecureServer({ key: pki.serverKey, cert: pki.serverCert, settings: { maxConcurrentStreams: 100 } }, (req, res) => {
      peak = Math.max(peak, ++inFlight);
      // Slow enough that a burst is in flight at once, as at a busy API server.
      const answer = () =>
        setTimeout(() => {
          inFlight--;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ path: req.url }));
        }, 150);
      if (!holdUntilParallel) return void answer();
      // However slow the next connection's handshake on a busy machine, the first 100 wait for it.
      held.push(answer);
      if (inFlight > 100) releaseHeld();
    });
    server.on('session', () => sessions++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    pki.remove();
  });

  it('opens a connection per 100 streams a burst needs, not one per request sent at once', async () => {
    const transport = new Transport(origin, '', { ca: pki.ca, rejectUnauthorized: true }, 'h2');
    try {
      const send = (i: number) => transport.send({ method: 'GET', path: `/r/${i}`, timeoutMs: 30_000 }, credential).then((r) => r.body.json());
      const first = sessions;
      // the first request finds out the protocol; then a burst of 250 at once needs 3 connections of 100 streams
      await send(0);
      holdUntilParallel = true;
      const giveUp = setTimeout(releaseHeld, 10_000);
      const answers = await Promise.all(Array.from({ length: 250 }, (_, i) => send(i + 1))).finally(() => clearTimeout(giveUp));
      expect(answers.map((a) => (a as { path: string }).path)).toEqual(Array.from({ length: 250 }, (_, i) => `/r/${i + 1}`));
      expect(peak).toBeGreaterThan(100);
      expect(sessions - first).toBe(3);
      // the connections stay open and carry the next burst
      await Promise.all(Array.from({ length: 150 }, (_, i) => send(i)));
      expect(sessions - first).toBe(3);
    } finally {
      await transport.destroy();
    }
  });

  it('frees a stream whose answer was discarded or failed', async () => {
    const transport = new Transport(origin, '', { ca: pki.ca, rejectUnauthorized: true }, 'h2');
    try {
      const first = sessions;
      await transport.send({ method: 'GET', path: '/probe', timeoutMs: 30_000 }, credential).then((r) => r.body.dump());
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            transport.send({ method: 'GET', path: `/d/${i}`, timeoutMs: 30_000 }, credential).then(async (r) => void (i % 2 ? await r.body.dump() : await r.body.text())),
          ),
        );
      }
      expect(sessions - first).toBe(1);
      // A request that times out gives its stream back too (undici closes the connection it was on;
      // the next requests reconnect once, on the same client).
      await expect(transport.send({ method: 'GET', path: '/slow', timeoutMs: 20 }, credential)).rejects.toThrow();
      const afterTimeout = sessions;
      await Promise.all(Array.from({ length: 100 }, (_, i) => transport.send({ method: 'GET', path: `/e/${i}`, timeoutMs: 30_000 }, credential).then((r) => r.body.text())));
      expect(sessions - afterTimeout).toBeLessThanOrEqual(1);
    } finally {
      await transport.destroy();
    }
  });
});
