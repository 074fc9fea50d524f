import { connect } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { withSim } from './with-sim.js';

/** One HTTP/2 connection carries a watch its client has not read yet, and new requests still get through. */

describe('sim over HTTP/2', () => {
  it('takes new requests on a connection whose unread watch holds more than 10 MB (Node refused them with ENHANCE_YOUR_CALM)', async () => {
    await withSim({ nodes: 1 }, async (sim) => {
      const session = connect(sim.url, { ca: sim.caPem });
      try {
        const headers = { authorization: `Bearer ${sim.token}` };
        // A watch that is not read while 16 MB of events are written to it: they stay queued on the connection.
        const watch = session.request({ ...headers, ':path': '/api/v1/configmaps?watch=1' });
        watch.pause();
        await new Promise((resolve) => watch.once('response', resolve));
        const filler = 'x'.repeat(4000);
        for (let i = 0; i < 4000; i++) sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}`, namespace: 'default' }, data: { filler } }, true);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const status = await new Promise<number>((resolve, reject) => {
          const create = session.request({ ...headers, ':method': 'POST', ':path': '/api/v1/namespaces/default/configmaps', 'content-type': 'application/json' });
          create.on('response', (h) => resolve(Number(h[':status'])));
          create.on('error', reject);
          create.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-the-list' } }));
          create.resume();
        });
        expect(status).toBe(201);
        watch.destroy();
      } finally {
        session.destroy();
      }
    });
  }, 120_000);
});
