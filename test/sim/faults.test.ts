import { describe, expect, it } from 'vitest';
import { builtinProfiles } from '../../src/sim/profiles.js';
import type { SimProfile } from '../../src/sim/types.js';
import { cmBody, type SimClient } from './client.js';
import { withSim, type TestSim } from './with-sim.js';

/** A simulator whose default profile `change` adjusts, and an HTTPS client for it; both stopped afterwards. */
function withProfile(change: (p: SimProfile) => void, body: (c: SimClient, sim: TestSim) => Promise<void>): Promise<void> {
  const profile = structuredClone(builtinProfiles.default!);
  change(profile);
  return withSim({ nodes: 1, seed: 3, profile }, (sim) => body(sim.http(), sim));
}

describe('sim faults and limits', () => {
  it('throttles with 429 TooManyRequests and the profile Retry-After', async () => {
    await withProfile(
      (p) => {
        p.faults.throttleRate = 1;
        p.faults.retryAfterSeconds = 2;
      },
      async (c) => {
        const res = await c.get('/api/v1/namespaces');
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toBe('2');
        expect(res.json).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 2 } });
        expect((await c.get('/metrics')).text).toMatch(/apiserver_request_total\{verb="LIST",group="",version="v1",resource="namespaces",subresource="",scope="cluster",component="apiserver",dry_run="",code="429"\} 1/);
      },
    );
  });

  it('answers 500 InternalError at the profile error rate', async () => {
    await withProfile(
      (p) => {
        p.faults.errorRate = 1;
      },
      async (c, sim) => {
        const res = await c.send('POST', '/api/v1/namespaces/default/configmaps', cmBody('x'));
        expect(res.status).toBe(500);
        expect(res.json).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
        expect(sim.store.get('configmaps', 'default', 'x')).toBeUndefined();
      },
    );
  });

  it('holds the answer of a stalled request after its write committed', async () => {
    await withProfile(
      (p) => {
        p.faults.stallRate = 1;
        p.faults.stallMs = 5000;
      },
      async (c, sim) => {
        const pending = c.send('POST', '/api/v1/namespaces/default/configmaps', cmBody('stalled'));
        await expect.poll(() => sim.store.get('configmaps', 'default', 'stalled'), { timeout: 30_000 }).toBeDefined();
        const settled = await Promise.race([pending.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, 200, 'held'))]);
        expect(settled).toBe('held');
        void pending.catch(() => undefined);
      },
    );
  });

  it('cuts watch streams after the profile watchCutMs', async () => {
    await withProfile(
      (p) => {
        p.faults.watchCutMs = 300;
      },
      async (c) => {
        // Uncut, a watch lasts 30 to 60 minutes: the server ending it before the client's minute is up is the cut.
        const { ended } = await c.watchLines('/api/v1/namespaces/default/configmaps?watch=1', 60_000);
        expect(ended).toBe(true);
      },
    );
  });

  it('answers 410 to watches from a resourceVersion beyond the profile watch window', async () => {
    await withProfile(
      (p) => {
        p.faults.watchWindow = 5;
      },
      async (c) => {
        const rv = (await c.get('/api/v1/namespaces/default/configmaps')).json.metadata.resourceVersion;
        for (let i = 0; i < 10; i++) await c.send('POST', '/api/v1/namespaces/default/configmaps', cmBody(`old-${i}`));
        const { lines, ended } = await c.watchLines(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`, 5000);
        expect(ended).toBe(true);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
        expect(lines[0].object.message).toContain(`too old resource version: ${rv}`);
      },
    );
  });
});
