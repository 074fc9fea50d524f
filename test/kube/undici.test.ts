/**
 * burn loads four of undici's own files instead of its index (src/kube/undici.ts): they must be the
 * very classes the index exports, with the request API the index gives every dispatcher, or an
 * undici upgrade that moved them would break every request.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { buildConnector, Client, Pool } from '../../src/kube/undici.js';

describe("undici's parts burn loads", () => {
  it('send a request without undici\'s index loaded', async () => {
    const require = createRequire(import.meta.url);
    expect(require.cache[require.resolve('undici')]).toBeUndefined();
    const server = createServer((_req, res) => res.end('pong')).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const pool = new Pool(`http://127.0.0.1:${port}`);
    try {
      const res = await pool.request({ method: 'GET', path: '/' });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('pong');
    } finally {
      await pool.close();
      server.close();
    }
  });

  it('are the classes and connector of undici\'s index', () => {
    const undici = createRequire(import.meta.url)('undici');
    expect(Client).toBe(undici.Client);
    expect(Pool).toBe(undici.Pool);
    expect(buildConnector).toBe(undici.buildConnector);
    expect(typeof Client.prototype.request).toBe('function');
  });
});
